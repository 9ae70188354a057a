PASSWORD = "test-pass-123"  # every test user's password

"""What sending an email may fail with that is worth trying again later: the mail server refused the message
(smtplib.SMTPException) or could not be reached (OSError). The tasks that deliver mail retry on these."""

import smtplib

TRANSIENT_SEND_ERRORS = (smtplib.SMTPException, OSError)

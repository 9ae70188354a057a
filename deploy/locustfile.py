"""The mixed day of `make load` (deploy/load.py prepares the world and passes it in LOAD_WORLD, a JSON file).

Who is on the system during a working day, each locust user one person or phone, with think time between
their requests:
- county staff on the pages and the API: lists (events, cases, a filtered case list) and writes (a hotline
  case raised through the API);
- staff recording an event on site from a phone: the event's page, cases recorded on site (some solved
  there, some referred);
- workers at an event submitting through the QR page from their own phones (each user a new device:
  its own cookie; a phone sends a few, then the next phone takes over);
- the city watching its counties: the dashboard page and the compliance and rankings API.
Request names are the kinds the report groups by.
"""

from __future__ import annotations

import datetime
import itertools
import json
import os
import random
import re

from locust import HttpUser, between, task

WORLD = json.loads(open(os.environ["LOAD_WORLD"]).read()) if "LOAD_WORLD" in os.environ else {}
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_serial = itertools.count(1)


class Person(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    code = "kecheng"

    def on_start(self):
        self.client.headers["Host"] = WORLD["hosts"][self.code]

    def sign_in(self, username: str) -> None:
        page = self.client.get("/login/", name="sign in (page)")
        form = {"username": username, "password": WORLD["password"], "csrfmiddlewaretoken": CSRF.search(page.text)[1]}
        self.client.post("/login/", data=form, name="sign in (post)", allow_redirects=False)

    def api_as(self, username: str) -> dict:
        return {"Authorization": f"Token {WORLD['tokens'][username]}"}


class CountyStaff(Person):
    weight = 4

    def on_start(self):
        super().on_start()
        self.sign_in("kecheng-staff")
        self.auth = self.api_as("kecheng-staff")

    @task(3)
    def event_list_page(self):
        self.client.get("/events/", name="staff list (page)")

    @task(3)
    def case_list_page(self):
        self.client.get("/cases/", name="staff list (page)")

    @task(4)
    def api_lists(self):
        self.client.get("/api/v1/events/?page_size=20", headers=self.auth, name="staff list (API)")
        self.client.get("/api/v1/cases/?page_size=20", headers=self.auth, name="staff list (API)")
        self.client.get("/api/v1/cases/?status=referred&page_size=20", headers=self.auth, name="staff list (API)")

    @task(2)
    def hotline_case(self):
        body = {"kind": "consultation", "title": f"热线咨询 {next(_serial)}", "source": "hotline"}
        self.client.post("/api/v1/cases/", json=body, headers=self.auth, name="staff write (API)")


class OnSiteRecorder(Person):
    weight = 2

    def on_start(self):
        super().on_start()
        self.auth = self.api_as("kecheng-staff")
        self.event = random.choice(WORLD["held_events"])

    @task(1)
    def event_page(self):
        self.client.get(f"/api/v1/events/{self.event}/", headers=self.auth, name="on-site (event)")

    @task(3)
    def record_case(self):
        n = next(_serial)
        body = {"kind": "request", "title": f"现场反映 {n}", "submitter_name": "职工"}
        if n % 3 == 0:
            body |= {"next_step": "solve_on_site", "outcome": "现场答复解决"}
        elif n % 3 == 1:
            deadline = (datetime.date.today() + datetime.timedelta(days=14)).isoformat()
            body |= {"next_step": "refer", "department": WORLD["department"], "deadline": deadline, "note": "转交"}
        self.client.post(f"/api/v1/events/{self.event}/cases/", json=body, headers=self.auth, name="on-site (record)")


class WorkerPhone(Person):
    weight = 5
    wait_time = between(2, 5)  # reading, typing

    def on_start(self):
        super().on_start()
        self.new_phone()

    def new_phone(self):
        self.client.cookies.clear()
        self.path = random.choice(WORLD["qr_paths"])
        self.sent = 0

    @task
    def submit(self):
        if self.sent >= WORLD["device_limit"]:
            self.new_phone()  # this phone is done for the day; the next worker's phone
        page = self.client.get(self.path, name="QR (page)")
        token = CSRF.search(page.text)
        if token is None:
            return
        form = {"kind": "request", "description": f"食堂价格偏高 {next(_serial)}", "csrfmiddlewaretoken": token[1]}
        self.client.post(self.path, data=form, name="QR (submit)", allow_redirects=False)
        self.sent += 1


class CityWatcher(Person):
    weight = 1
    code = "quzhou"

    def on_start(self):
        super().on_start()
        self.sign_in("quzhou-admin")
        self.auth = self.api_as("quzhou-admin")

    @task(2)
    def dashboard(self):
        self.client.get("/city/", name="city (dashboard page)")

    @task(1)
    def compliance(self):
        year = WORLD["year"]
        self.client.get(f"/api/v1/city/compliance/?year={year}", headers=self.auth, name="city (API)")
        self.client.get(f"/api/v1/city/rankings/?year={year}", headers=self.auth, name="city (API)")

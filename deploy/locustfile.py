"""The mixed day of `make load` (deploy/load.py prepares the world and passes it in LOAD_WORLD, a JSON file).

Who is on the system during a working day, each locust user one person or phone, with think time between
their requests:
- county staff on the pages and the API: lists (events, cases, a filtered case list) and writes (a hotline
  case raised through the API);
- staff recording an event on site from a phone: the event's page, cases recorded on site (some solved
  there, some referred);
- workers at an event submitting through the QR page from their own phones (each user a new device:
  its own cookie; a phone sends a few, then the next phone takes over);
- the city watching its counties: the dashboard page and the compliance and rankings API;
- staff arriving at work and signing in, a few at a time (the others signed in before the run).
Request names are the kinds the report groups by.

Think times are a person's: reading a list, typing a case while a worker talks, typing on a phone. The
scale LOAD_THINK (default 1) shortens them all for a stress run: `LOAD_THINK=0.3 make load` is a day where
everyone clicks every second or two, which finds the stack's ceiling rather than a working day's figures.
"""

from __future__ import annotations

import datetime
import itertools
import json
import os
import random
import re

import gevent
from locust import HttpUser, between, task

WORLD = json.loads(open(os.environ["LOAD_WORLD"]).read()) if "LOAD_WORLD" in os.environ else {}
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_serial = itertools.count(1)
THINK = float(os.environ.get("LOAD_THINK", "1"))


def think(low: float, high: float):
    """locust's between(low, high) seconds, scaled by LOAD_THINK."""
    return between(low * THINK, high * THINK)


class Person(HttpUser):
    abstract = True
    wait_time = think(3, 10)  # reading a page, choosing the next
    code = "kecheng"

    def on_start(self):
        self.client.headers["Host"] = WORLD["hosts"][self.code]
        gevent.sleep(self.first_pause())  # a person's first click comes after a look at the screen too

    def first_pause(self) -> float:
        return self.wait_time()

    def signed_in(self, username: str) -> None:
        """The page session this person opened when they signed in that morning (deploy/load.py)."""
        self.client.cookies.set("sessionid", WORLD["sessions"][username])

    def api_as(self, username: str) -> dict:
        return {"Authorization": f"Token {WORLD['tokens'][username]}"}


class SigningIn(Person):
    """Staff arriving at work: the sign-in page, the password check, the home page. A few at a time over the
    day; each sign-in pays the password hasher's deliberate cost (PBKDF2, Django's work factor)."""

    weight = 1
    wait_time = think(30, 90)

    def first_pause(self) -> float:
        return random.uniform(0, 30) * THINK  # people arrive at work one by one, not all at once

    @task
    def sign_in(self):
        self.client.cookies.clear()
        page = self.client.get("/login/", name="sign in (page)")
        token = CSRF.search(page.text)
        if token is None:
            return
        form = {"username": "kecheng-staff", "password": WORLD["password"], "csrfmiddlewaretoken": token[1]}
        self.client.post("/login/", data=form, name="sign in (post)", allow_redirects=False)
        self.client.get("/", name="sign in (home page)")


class CountyStaff(Person):
    weight = 4

    def on_start(self):
        super().on_start()
        self.signed_in("kecheng-staff")
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
    wait_time = think(10, 30)  # listening to a worker, typing what they raise

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
    wait_time = think(5, 15)  # handing the phone on, scanning again

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
        gevent.sleep(random.uniform(10, 30) * THINK)  # typing the problem on a phone
        form = {"kind": "request", "description": f"食堂价格偏高 {next(_serial)}", "csrfmiddlewaretoken": token[1]}
        self.client.post(self.path, data=form, name="QR (submit)", allow_redirects=False)
        self.sent += 1


class CityWatcher(Person):
    weight = 1
    code = "quzhou"
    wait_time = think(5, 15)

    def on_start(self):
        super().on_start()
        self.signed_in("quzhou-admin")
        self.auth = self.api_as("quzhou-admin")

    @task(2)
    def dashboard(self):
        self.client.get("/city/", name="city (dashboard page)")

    @task(1)
    def compliance(self):
        year = WORLD["year"]
        self.client.get(f"/api/v1/city/compliance/?year={year}", headers=self.auth, name="city (API)")
        self.client.get(f"/api/v1/city/rankings/?year={year}", headers=self.auth, name="city (API)")

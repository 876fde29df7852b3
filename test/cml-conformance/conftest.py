"""Fixtures of the virl2-client conformance suite.

The suite is started by test/cml-conformance.e2e-spec.ts, which starts the CML simulator in-process and
passes where it is and who may log in through these environment variables:

  CML_SIM_URL             https://127.0.0.1:<port> (no /api/v0)
  CML_SIM_CA_FILE         PEM file of the certificate to trust (TLS verification stays on)
  CML_SIM_ADMIN_USERNAME  / CML_SIM_ADMIN_PASSWORD   an admin account
  CML_SIM_USER_USERNAME   / CML_SIM_USER_PASSWORD    a non-admin account
  CML_SIM_USER_GROUP      a group the non-admin belongs to
  CML_SIM_START_MS / CML_SIM_STOP_MS / CML_SIM_WIPE_MS   the simulator's transition times
"""

from __future__ import annotations

import os
import ssl
from dataclasses import dataclass

import httpx
import pytest
from virl2_client import ClientLibrary

REQUIRED_ENV = [
    "CML_SIM_URL",
    "CML_SIM_CA_FILE",
    "CML_SIM_ADMIN_USERNAME",
    "CML_SIM_ADMIN_PASSWORD",
    "CML_SIM_USER_USERNAME",
    "CML_SIM_USER_PASSWORD",
    "CML_SIM_USER_GROUP",
    "CML_SIM_START_MS",
    "CML_SIM_STOP_MS",
    "CML_SIM_WIPE_MS",
]

#: The controller versions the suite runs against; virl2-client 2.10 supports both.
CML_VERSIONS = ["2.9.0", "2.10.0"]

#: Seconds between two convergence polls: the simulator's transitions take a few hundred milliseconds.
POLL_SECONDS = 0.05


def pytest_configure(config: pytest.Config) -> None:
    missing = [name for name in REQUIRED_ENV if not os.environ.get(name)]
    if missing:
        raise pytest.UsageError(
            "the conformance suite needs a running CML simulator; run it through "
            "`npm run test:conformance` (test/cml-conformance.e2e-spec.ts). Missing: " + ", ".join(missing)
        )


@dataclass(frozen=True)
class Account:
    username: str
    password: str


@dataclass(frozen=True)
class Env:
    url: str
    ca_file: str
    admin: Account
    user: Account
    user_group: str
    start_s: float
    stop_s: float
    wipe_s: float


@pytest.fixture(scope="session")
def env() -> Env:
    e = os.environ
    return Env(
        url=e["CML_SIM_URL"],
        ca_file=e["CML_SIM_CA_FILE"],
        admin=Account(e["CML_SIM_ADMIN_USERNAME"], e["CML_SIM_ADMIN_PASSWORD"]),
        user=Account(e["CML_SIM_USER_USERNAME"], e["CML_SIM_USER_PASSWORD"]),
        user_group=e["CML_SIM_USER_GROUP"],
        start_s=int(e["CML_SIM_START_MS"]) / 1000,
        stop_s=int(e["CML_SIM_STOP_MS"]) / 1000,
        wipe_s=int(e["CML_SIM_WIPE_MS"]) / 1000,
    )


class SimControl:
    """The simulator's /_sim control API (no token: it stands for console access to the controller)."""

    def __init__(self, env: Env) -> None:
        context = ssl.create_default_context(cafile=env.ca_file)
        self._http = httpx.Client(base_url=env.url + "/_sim", verify=context, trust_env=False, timeout=10)

    def call(self, method: str, path: str, json: object | None = None) -> httpx.Response:
        response = self._http.request(method, path, json=json)
        response.raise_for_status()
        return response

    def reset(self) -> None:
        self.call("POST", "/reset")

    def settings(self, **changes: object) -> dict:
        return self.call("PATCH", "/settings", json=changes).json()

    def seed(self, **request: object) -> list[str]:
        return self.call("POST", "/labs/seed", json=request).json()["ids"]

    def labs(self) -> list[dict]:
        return self.call("GET", "/labs").json()

    def delete_lab(self, lab_id: str) -> None:
        self.call("DELETE", f"/labs/{lab_id}")

    def add_fault(self, **spec: object) -> str:
        return self.call("POST", "/faults", json=spec).json()["id"]

    def clear_faults(self) -> None:
        self.call("DELETE", "/faults")

    def expire_tokens(self) -> None:
        self.call("POST", "/tokens/expire")

    def stats(self) -> dict[str, int]:
        return self.call("GET", "/stats").json()["requests"]

    def close(self) -> None:
        self._http.close()


@pytest.fixture(scope="session")
def sim(env: Env):
    control = SimControl(env)
    yield control
    control.close()


@pytest.fixture(autouse=True)
def fresh_controller(sim: SimControl):
    """Every test starts on an empty controller with the simulator's start settings."""
    sim.reset()
    yield
    sim.reset()


@pytest.fixture(params=CML_VERSIONS)
def cml_version(request: pytest.FixtureRequest, sim: SimControl) -> str:
    """Runs a test once per controller version the simulator reports."""
    sim.settings(version=request.param)
    return request.param


def connect(env: Env, account: Account, **kwargs: object) -> ClientLibrary:
    """ClientLibrary as a user would create it: full TLS verification, the controller version check on."""
    return ClientLibrary(
        env.url,
        account.username,
        account.password,
        ssl_verify=env.ca_file,
        raise_for_auth_failure=True,
        convergence_wait_time=POLL_SECONDS,
        convergence_wait_max_iter=400,
        **kwargs,
    )


@pytest.fixture
def admin(env: Env, cml_version: str) -> ClientLibrary:
    client = connect(env, env.admin)
    yield client
    client._session.close()


@pytest.fixture
def user(env: Env, cml_version: str) -> ClientLibrary:
    client = connect(env, env.user)
    yield client
    client._session.close()

"""Cisco's own client, virl2-client, drives the CML simulator: whatever it accepts and how it maps the answers
is the judge of whether the simulator talks like a CML 2.9/2.10 controller.

Each test runs once with the simulator reporting 2.9.0 and once with 2.10.0 (the `cml_version` fixture):
virl2-client checks its login with GET /authok on 2.9 and with GET /authentication from 2.10 on.
"""

from __future__ import annotations

import re
import ssl
import time

import httpx
import pytest
from conftest import POLL_SECONDS, Account, connect
from virl2_client import ClientLibrary
from virl2_client.exceptions import APIError, InitializationError, LabNotFound

UUID4 = re.compile(r"^[\da-f]{8}-[\da-f]{4}-4[\da-f]{3}-[89ab][\da-f]{3}-[\da-f]{12}$")
BUILT_IN_ADMIN_ID = "00000000-0000-4000-a000-000000000000"

TOPOLOGY = """
lab:
  title: Conformance pair
  description: Two routers and a link, imported by virl2-client
  notes: |
    Written by test_virl2_client.py
  version: 0.3.0
nodes:
  - id: n0
    label: r1
    node_definition: iosv
    x: -200
    y: 0
    configuration: hostname r1
    interfaces:
      - id: i0
        label: Loopback0
        type: loopback
      - id: i1
        label: GigabitEthernet0/0
        slot: 0
        type: physical
  - id: n1
    label: r2
    node_definition: iosv
    x: 200
    y: 0
    interfaces:
      - id: i0
        label: GigabitEthernet0/0
        slot: 0
        type: physical
links:
  - id: l0
    n1: n0
    n2: n1
    i1: i1
    i2: i0
    label: r1-r2
"""


def import_pair(client: ClientLibrary, title: str | None = None):
    lab = client.import_lab(TOPOLOGY, title=title)
    # import_lab does not hand the client's convergence settings to the Lab (it would poll every 5 s).
    lab.wait_time = POLL_SECONDS
    return lab


def status_of(error: APIError) -> int:
    return error.response.status_code


def node_states(lab) -> list[str]:
    lab.sync_states()
    return [node.state for node in lab.nodes()]


# --- connecting ---------------------------------------------------------------------------------------------


def test_connects_with_the_version_check_and_the_version_specific_login_check(env, sim, cml_version):
    sim.call("POST", "/stats/reset")
    client = connect(env, env.admin)

    assert str(client._session.controller_version) == cml_version
    info = client.system_info()
    assert info == {"version": cml_version, "ready": True, "allow_ssh_pubkey_auth": False, "oui": "52:54:00:00:00:00"}
    assert client.is_system_ready()
    stats = sim.stats()
    assert stats["system_information"] >= 1 and stats["authenticate"] == 1
    if cml_version == "2.10.0":
        # From 2.10 on the client asks GET /authentication who it is.
        assert stats["authentication"] == 1
        assert (client.user_id, client.username, client.admin) == (BUILT_IN_ADMIN_ID, "admin", True)
    else:
        assert stats["authok"] == 1


def test_a_non_admin_connects_and_is_told_it_is_not_an_admin(env, cml_version):
    client = connect(env, env.user)
    assert client.get_lab_list() == []
    if cml_version == "2.10.0":
        assert client.admin is False
        assert client.username == env.user.username
        assert UUID4.match(client.user_id)


def test_a_wrong_password_is_refused_with_403(env, sim, cml_version):
    # The client turns the 403 of POST /authenticate into its "check your username and password" error.
    with pytest.raises(InitializationError, match="check your username and password"):
        connect(env, Account(env.admin.username, "wrong-password"))
    assert sim.stats()["authenticate"] == 1


@pytest.mark.parametrize("version, reason", [("2.6.0", "Unsupported minor version"), ("3.0.0", "Major version")])
def test_the_client_rejects_versions_it_does_not_support(env, sim, version, reason):
    sim.settings(version=version)
    with pytest.raises(InitializationError, match=reason):
        connect(env, env.admin)


# --- import, list, join, read -------------------------------------------------------------------------------


def test_imports_a_topology_and_reads_it_back(env, admin):
    lab = import_pair(admin)

    assert UUID4.match(lab.id)
    assert lab.title == "Conformance pair"
    assert lab.description == "Two routers and a link, imported by virl2-client"
    assert lab.owner == "admin"
    nodes = {node.label: node for node in lab.nodes()}
    assert sorted(nodes) == ["r1", "r2"]
    assert all(UUID4.match(node.id) for node in nodes.values())
    assert nodes["r1"].node_definition == "iosv"
    assert (nodes["r1"].x, nodes["r2"].x) == (-200, 200)
    assert [i.label for i in nodes["r1"].interfaces()] == ["Loopback0", "GigabitEthernet0/0"]
    [link] = lab.links()
    assert {link.node_a.label, link.node_b.label} == {"r1", "r2"}
    assert link.interface_a.label == "GigabitEthernet0/0"
    assert lab.state() == "DEFINED_ON_CORE"

    details = lab.details()
    assert details["id"] == lab.id
    assert details["state"] == "DEFINED_ON_CORE"
    assert (details["node_count"], details["link_count"]) == (2, 1)
    assert details["owner"] == BUILT_IN_ADMIN_ID
    assert details["effective_permissions"] == ["lab_admin", "lab_edit", "lab_exec", "lab_view"]
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$", details["modified"])


def test_lists_labs_with_show_all_and_joins_them_from_another_session(env, sim, admin):
    [seeded] = sim.seed(count=1, owner=env.user.username, nodeCount=3)
    lab = import_pair(admin, title="Mine")

    assert admin.get_lab_list() == [lab.id]
    assert admin.get_lab_list(show_all=True) == [seeded, lab.id]
    assert sorted(lab.title for lab in admin.all_labs(show_all=True)) == ["Mine", "Seeded lab 1"]

    other = connect(env, env.admin)
    joined = other.join_existing_lab(lab.id)
    assert joined.title == "Mine"
    assert sorted(node.label for node in joined.nodes()) == ["r1", "r2"]
    assert len(joined.interfaces()) == 3
    foreign = other.join_existing_lab(seeded)
    assert foreign.owner == env.user.username
    assert len(foreign.nodes()) == 3 and len(foreign.links()) == 2
    assert [found.id for found in other.find_labs_by_title("Mine")] == [lab.id]
    joined.sync()
    assert len(joined.nodes()) == 2


def test_a_full_sync_reads_statistics_addresses_and_operational_data(admin):
    lab = import_pair(admin)
    lab.start()
    lab.sync(topology_only=False)
    assert lab.statistics == {"nodes": 2, "links": 1, "interfaces": 3, "annotations": 0, "smart_annotations": 0}
    assert lab.resource_pools == []
    for node in lab.nodes():
        assert node.cpu_usage == 0
        assert UUID4.match(node.compute_id)
    [link] = lab.links()
    assert link.readbytes == 0


def test_downloads_a_lab_and_imports_the_file_again(admin):
    lab = import_pair(admin)
    text = lab.download()
    assert text.startswith("lab:")
    copy = admin.import_lab(text, title="Copy")
    assert copy.title == "Copy"
    assert sorted(node.label for node in copy.nodes()) == ["r1", "r2"]
    assert len(copy.links()) == 1


# --- lifecycle ----------------------------------------------------------------------------------------------


def test_start_stop_wipe_remove_asynchronously_as_cml_does(env, admin):
    lab = import_pair(admin)

    began = time.monotonic()
    lab.start(wait=False)
    assert lab.state() == "STARTED"
    assert not lab.has_converged()
    assert set(node_states(lab)) == {"QUEUED"}
    lab.wait_until_lab_converged()
    assert time.monotonic() - began >= env.start_s * 0.8
    assert node_states(lab) == ["BOOTED", "BOOTED"]
    assert all(node.is_booted() for node in lab.nodes())
    assert lab.is_active()

    # A stop answers at once; the nodes stay up until it is done, and the lab reads STARTED meanwhile.
    began = time.monotonic()
    lab.stop(wait=False)
    assert lab.state() == "STARTED"
    assert not lab.has_converged()
    assert node_states(lab) == ["BOOTED", "BOOTED"]
    with pytest.raises(APIError) as wipe_too_early:
        lab.wipe(wait=False)
    assert status_of(wipe_too_early.value) == 400
    assert f"Lab {lab.id} is running. Stop it before wiping." in str(wipe_too_early.value)
    lab.wait_until_lab_converged()
    assert time.monotonic() - began >= env.stop_s * 0.8
    assert lab.state() == "STOPPED"
    assert node_states(lab) == ["STOPPED", "STOPPED"]

    # Removing a stopped lab that is not wiped is refused.
    with pytest.raises(APIError) as not_wiped:
        lab.remove()
    assert status_of(not_wiped.value) == 400
    assert f"Lab {lab.id} is not stopped and wiped" in str(not_wiped.value)

    lab.wipe(wait=False)
    assert not lab.has_converged()
    with pytest.raises(APIError) as wipe_in_progress:
        admin.remove_lab(lab.id)
    assert status_of(wipe_in_progress.value) == 400
    lab.wait_until_lab_converged()
    assert lab.state() == "DEFINED_ON_CORE"
    assert node_states(lab) == ["DEFINED_ON_CORE", "DEFINED_ON_CORE"]

    lab_id = lab.id
    admin.remove_lab(lab)
    assert lab_id not in admin.get_lab_list(show_all=True)


def test_the_blocking_calls_wait_until_each_transition_is_done(admin):
    lab = import_pair(admin)
    lab.start()
    assert node_states(lab) == ["BOOTED", "BOOTED"]
    lab.stop()
    assert lab.state() == "STOPPED"
    lab.wipe()
    assert lab.state() == "DEFINED_ON_CORE"
    lab.remove()


def test_a_removed_lab_reads_as_lab_not_found(env, sim, admin):
    lab = import_pair(admin)
    lab_id = lab.id
    admin.remove_lab(lab)

    with pytest.raises(LabNotFound):
        admin.join_existing_lab(lab_id)
    # Deleted behind the client's back: the client maps CML's 404 "Lab not found: <id>" to LabNotFound.
    other = import_pair(admin)
    sim.delete_lab(other.id)
    with pytest.raises(LabNotFound):
        other.details()
    with pytest.raises(LabNotFound):
        other.sync()
    # An unjoined id: a plain 404 APIError with CML's description.
    with pytest.raises(APIError) as unknown:
        admin.remove_lab(lab_id)
    assert status_of(unknown.value) == 404
    assert f"Lab not found: {lab_id}" in str(unknown.value)


def test_a_proxy_404_page_is_not_taken_for_lab_not_found(env, sim, admin):
    lab = import_pair(admin)
    sim.add_fault(route="labs.get", kind="foreign_404", labId=lab.id, times=1)

    with pytest.raises(APIError) as proxied:
        lab.details()
    assert not isinstance(proxied.value, LabNotFound)
    assert status_of(proxied.value) == 404
    assert proxied.value.response.headers["content-type"].startswith("text/html")
    # The lab is still there, and the client still trusts it.
    assert lab.details()["id"] == lab.id


# --- tokens -------------------------------------------------------------------------------------------------


def test_logs_in_again_when_the_token_is_dropped(env, sim, admin):
    import_pair(admin)
    before = sim.stats()["authenticate"]
    sim.expire_tokens()
    assert len(admin.get_lab_list()) == 1
    assert sim.stats()["authenticate"] == before + 1

    assert admin.logout() is True
    assert len(admin.get_lab_list()) == 1
    assert sim.stats()["authenticate"] == before + 2
    assert admin.logout(clear_all_sessions=True) is True
    assert len(admin.get_lab_list()) == 1


def test_a_token_works_as_jwtoken_until_it_is_logged_out(env, admin):
    token = admin._session.auth.token
    by_token = ClientLibrary(env.url, jwtoken=token, ssl_verify=env.ca_file, raise_for_auth_failure=True)
    assert by_token.get_lab_list() == []
    admin.logout()
    # Without a password the client cannot log in again: the 401 is final.
    with pytest.raises(APIError) as logged_out:
        by_token.get_lab_list()
    assert status_of(logged_out.value) == 401
    assert "Invalid authorization token." in str(logged_out.value)
    assert by_token.jwtoken is None


# --- a non-admin's view -------------------------------------------------------------------------------------


def test_a_non_admin_sees_its_own_and_shared_labs_only(env, sim, admin, user):
    [private] = sim.seed(count=1, titlePrefix="Admin private")
    [shared] = sim.seed(count=1, titlePrefix="Shared", groups=[{"name": env.user_group, "permission": "read_only"}])
    own = import_pair(user, title="Student lab")

    assert user.get_lab_list() == [own.id]
    assert user.get_lab_list(show_all=True) == [shared, own.id]
    assert sorted(lab.title for lab in user.all_labs(show_all=True)) == ["Shared 2", "Student lab"]
    assert admin.get_lab_list() == [private, shared]
    assert admin.get_lab_list(show_all=True) == [private, shared, own.id]

    joined = user.join_existing_lab(shared)
    assert joined.owner == "admin"
    assert joined.details()["effective_permissions"] == ["lab_view"]
    with pytest.raises(APIError) as read_only:
        joined.start(wait=False)
    assert status_of(read_only.value) == 403

    # Another user's lab it may not see answers like an unknown lab (the default foreignLabStatus 404).
    with pytest.raises(LabNotFound):
        user.join_existing_lab(private)
    with pytest.raises(APIError) as hidden:
        user.remove_lab(private)
    assert status_of(hidden.value) == 404
    assert f"Lab not found: {private}" in str(hidden.value)
    assert private in [lab["id"] for lab in sim.labs()]

    # Its own lab it runs like any owner.
    own.start()
    assert own.state() == "STARTED"
    own.stop()
    own.wipe()
    own.remove()
    assert user.get_lab_list() == []


def test_with_foreign_lab_status_403_another_users_lab_is_forbidden_not_missing(env, sim, user):
    sim.settings(foreignLabStatus=403)
    [private] = sim.seed(count=1)
    with pytest.raises(APIError) as forbidden:
        user.join_existing_lab(private)
    assert not isinstance(forbidden.value, LabNotFound)
    assert status_of(forbidden.value) == 403
    assert f"User {env.user.username} does not have access to lab {private}" in str(forbidden.value)


def test_the_control_api_is_not_part_of_cml(env):
    # Sanity check of the test set-up itself: /api/v0 needs a token, /_sim does not.
    with httpx.Client(base_url=env.url, verify=ssl.create_default_context(cafile=env.ca_file), trust_env=False) as http:
        assert http.get("/api/v0/labs").status_code == 401
        assert http.get("/_sim/labs").status_code == 200

"""The livekit-server process manager: finding the binary, starting, failing clearly, stopping."""

import socket
import stat
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
import yaml
from livekit import api

from voice_agent.livekit.errors import LiveKitBinaryNotFoundError, LiveKitServerError
from voice_agent.livekit.server import (
    BIN_DIR_ENV,
    BINARY_ENV,
    LocalLiveKitServer,
    find_livekit_server_binary,
)
from voice_agent.livekit.server_ports import pick_free_port

SECRET = "s" * 40


def port_answers(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def executable(path: Path, text: str = "#!/bin/sh\nexit 0\n") -> Path:
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_binary_named_in_the_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    binary = executable(tmp_path / "my-livekit")
    monkeypatch.setenv(BINARY_ENV, str(binary))
    assert find_livekit_server_binary() == binary


def test_configured_path_beats_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    configured = executable(tmp_path / "configured")
    monkeypatch.setenv(BINARY_ENV, str(executable(tmp_path / "from-env")))
    assert find_livekit_server_binary(configured) == configured


def test_a_named_binary_that_does_not_exist_is_an_error_with_the_install_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(BINARY_ENV, str(tmp_path / "missing"))
    with pytest.raises(LiveKitBinaryNotFoundError, match="install_livekit_server.sh") as error:
        find_livekit_server_binary()
    assert error.value.code == "server_binary_not_found"


def test_the_install_directory_is_searched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(BINARY_ENV, raising=False)
    monkeypatch.setenv(BIN_DIR_ENV, str(tmp_path))
    binary = executable(tmp_path / "livekit-server")
    assert find_livekit_server_binary() == binary


def test_nothing_found_says_how_to_build_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(BINARY_ENV, raising=False)
    monkeypatch.setenv(BIN_DIR_ENV, str(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(LiveKitBinaryNotFoundError, match="scripts/install_livekit_server.sh"):
        find_livekit_server_binary()


def test_config_binds_loopback_with_our_keys_ports_and_webhook(tmp_path: Path) -> None:
    server = LocalLiveKitServer(
        binary=tmp_path / "unused",
        api_key="key",
        api_secret=SECRET,
        port=17001,
        rtc_tcp_port=17002,
        rtc_udp_port=17003,
        webhook_urls=["http://127.0.0.1:9/hook"],
        work_dir=tmp_path,
    )
    config = server.config()
    assert config["port"] == 17001 and config["bind_addresses"] == ["127.0.0.1"]
    assert config["rtc"] == {
        "tcp_port": 17002,
        "udp_port": 17003,
        "use_external_ip": False,
        "node_ip": "127.0.0.1",
    }
    assert config["keys"] == {"key": SECRET}
    assert config["webhook"] == {"api_key": "key", "urls": ["http://127.0.0.1:9/hook"]}
    assert yaml.safe_load(yaml.safe_dump(config)) == config


def test_a_short_secret_is_refused(tmp_path: Path) -> None:
    with pytest.raises(LiveKitServerError) as error:
        LocalLiveKitServer(binary=tmp_path / "x", api_key="key", api_secret="secret")
    assert error.value.code == "weak_secret"


def test_a_server_that_exits_at_startup_fails_with_the_tail_of_its_log(tmp_path: Path) -> None:
    crashing = executable(
        tmp_path / "livekit-server", "#!/bin/sh\necho 'config error: invalid keys' >&2\nexit 3\n"
    )
    server = LocalLiveKitServer(
        binary=crashing, api_key="key", api_secret=SECRET, work_dir=tmp_path
    )
    with pytest.raises(LiveKitServerError, match="config error: invalid keys") as error:
        server.start()
    assert error.value.code == "start_failed" and "code 3" in error.value.message
    assert not server.running


def test_a_server_that_never_answers_times_out_and_is_killed(tmp_path: Path) -> None:
    silent = executable(tmp_path / "livekit-server", "#!/bin/sh\necho 'stuck'\nexec sleep 60\n")
    server = LocalLiveKitServer(
        binary=silent,
        api_key="key",
        api_secret=SECRET,
        work_dir=tmp_path,
        startup_timeout_secs=0.5,
        stop_timeout_secs=0.2,
    )
    with pytest.raises(LiveKitServerError, match="did not answer") as error:
        server.start()
    assert error.value.code == "start_timeout" and "stuck" in error.value.message
    assert not server.running


@pytest.mark.livekit
@pytest.mark.slow
def test_real_server_answers_on_its_port_and_frees_it_when_stopped(
    livekit_binary: Path, tmp_path: Path
) -> None:
    server = LocalLiveKitServer(
        binary=livekit_binary, api_key="key", api_secret=SECRET, work_dir=tmp_path
    )
    with server:
        assert server.running
        with urllib.request.urlopen(server.http_url, timeout=2) as response:
            assert response.status == 200
        assert (server.config_file.stat().st_mode & 0o077) == 0  # the secret is not world-readable
        port = server.port
    assert not server.running
    with socket.socket() as sock, pytest.raises(ConnectionRefusedError):
        sock.connect(("127.0.0.1", port))
    assert "starting LiveKit server" in server.log_file.read_text()


@pytest.mark.livekit
@pytest.mark.slow
async def test_real_server_runs_as_async_context_manager_with_our_keys_despite_env(
    livekit_binary: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # livekit-server reads LIVEKIT_KEYS as a flag; a stray one must not replace our keys.
    monkeypatch.setenv("LIVEKIT_KEYS", "intruder: " + "i" * 40)
    async with LocalLiveKitServer(
        binary=livekit_binary, api_key="key", api_secret=SECRET, work_dir=tmp_path
    ) as server:
        assert server.running and server.url.startswith("ws://127.0.0.1:")
        client = api.LiveKitAPI(server.http_url, "key", SECRET, failover=False)
        try:
            rooms = await client.room.list_rooms(api.ListRoomsRequest())
        finally:
            await client.aclose()
        assert list(rooms.rooms) == []
    assert not server.running


@pytest.mark.livekit
@pytest.mark.slow
def test_a_server_left_behind_on_our_port_is_stopped_at_the_next_start(
    livekit_binary: Path, tmp_path: Path
) -> None:
    port, tcp, udp = pick_free_port(), pick_free_port(), pick_free_port(udp=True)
    config = {
        "port": port,
        "rtc": {"tcp_port": tcp, "udp_port": udp, "use_external_ip": False},
        "keys": {"key": SECRET},
    }
    (tmp_path / "stale.yaml").write_text(yaml.safe_dump(config))
    # What a `serve` killed with -9 by an older version left: a server and its pid file.
    stale = subprocess.Popen(
        [str(livekit_binary), "--config", str(tmp_path / "stale.yaml"), "--bind", "127.0.0.1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        run_dir = tmp_path / "run"
        run_dir.mkdir()
        (run_dir / f"livekit-server-{port}.pid").write_text(f"{stale.pid}\n")
        deadline = time.monotonic() + 20
        while not port_answers(port) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert port_answers(port)

        with LocalLiveKitServer(
            binary=livekit_binary,
            api_key="key",
            api_secret=SECRET,
            port=port,
            work_dir=tmp_path / "new",
            pid_dir=run_dir,
        ) as server:
            assert stale.wait(timeout=10) is not None  # the stale one is gone
            assert server.running and server.port == port
            pid_file = run_dir / f"livekit-server-{port}.pid"
            assert pid_file.read_text().strip() == str(server.pid)
        assert not pid_file.exists()
    finally:
        if stale.poll() is None:
            stale.kill()
            stale.wait()


def test_a_port_held_by_another_program_is_refused_before_anything_starts(
    tmp_path: Path,
) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        server = LocalLiveKitServer(
            binary=executable(tmp_path / "livekit-server"),
            api_key="key",
            api_secret=SECRET,
            port=port,
            work_dir=tmp_path,
            pid_dir=tmp_path / "run",
        )
        with pytest.raises(LiveKitServerError) as error:
            server.start()
    assert error.value.code == "port_in_use" and str(port) in error.value.message
    assert not server.running

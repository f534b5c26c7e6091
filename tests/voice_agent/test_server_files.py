"""Where a local LiveKit server keeps its files (no server is started here)."""

from __future__ import annotations

from pathlib import Path

import yaml

from voice_agent.livekit.server_files import ServerFiles


def test_the_config_is_written_as_yaml_readable_by_its_owner_only(tmp_path: Path) -> None:
    files = ServerFiles(work_dir=tmp_path)
    path = files.write_config({"port": 7880, "keys": {"key": "a-secret"}})
    assert path == tmp_path / "livekit.yaml"
    assert yaml.safe_load(path.read_text()) == {"port": 7880, "keys": {"key": "a-secret"}}
    assert path.stat().st_mode & 0o077 == 0


def test_the_log_tail_is_the_last_lines_and_empty_before_any_log(tmp_path: Path) -> None:
    files = ServerFiles(work_dir=tmp_path)
    assert files.log_tail(2) == ""
    with files.open_log() as log:
        log.write(b"one\ntwo\nthree\n")
    assert files.log_file == tmp_path / "livekit-server.log"
    assert files.log_tail(2) == "two\nthree"


def test_a_pid_file_is_removed_only_while_it_names_the_server_stopped(tmp_path: Path) -> None:
    files = ServerFiles(work_dir=tmp_path, pid_dir=tmp_path / "run")
    files.write_pid(7880, 1234)
    pid_file = tmp_path / "run" / "livekit-server-7880.pid"
    assert pid_file.read_text() == "1234\n"
    files.remove_pid(7880, 999)  # a newer server took the port: its pid file stays
    assert pid_file.exists()
    files.remove_pid(7880, 1234)
    assert not pid_file.exists()


def test_without_a_pid_directory_there_is_no_pid_file(tmp_path: Path) -> None:
    files = ServerFiles(work_dir=tmp_path)
    assert files.pid_file(7880) is None
    files.write_pid(7880, 1234)
    files.remove_pid(7880, 1234)
    assert list(tmp_path.iterdir()) == []


def test_our_own_temporary_directory_is_removed_and_a_given_one_kept(tmp_path: Path) -> None:
    own = ServerFiles()
    own.write_config({"port": 7880})
    own_dir = own.config_file.parent
    own.clean_up()
    assert not own_dir.exists()

    given = ServerFiles(work_dir=tmp_path)
    given.write_config({"port": 7880})
    given.clean_up()
    assert (tmp_path / "livekit.yaml").exists()

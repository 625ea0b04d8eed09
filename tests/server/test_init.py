"""`sunlit init` and `sunlit migrate` make the data folder private, whatever the umask, and only once."""

from __future__ import annotations

from pathlib import Path

from django.core.management import get_commands

from tests.server.conftest import Sunlit, mode

KEY_FILES = ("secret_key", "log-signer.key", "witness-signer.key")


def test_init_creates_a_private_folder_with_private_keys_and_database(sunlit: Sunlit) -> None:
    done = sunlit.run("init", umask=0)  # the most open umask: modes must not depend on it
    assert done.returncode == 0, done.stderr
    assert mode(sunlit.data) == 0o700
    for name in (*KEY_FILES, "sunlit.sqlite3"):
        assert mode(sunlit.data / name) == 0o600, name
    assert f"数据目录 {sunlit.data} 已创建（权限 0700）" in done.stdout
    assert f"SECRET_KEY 已生成：{sunlit.data / 'secret_key'}（权限 0600）" in done.stdout
    assert f"日志签名密钥已生成：{sunlit.data / 'log-signer.key'}（权限 0600）" in done.stdout
    assert list(sunlit.cwd.iterdir()) == []  # nothing where the command started


def test_init_again_changes_nothing(sunlit: Sunlit) -> None:
    sunlit.ok("init")
    before = {name: (sunlit.data / name).read_text() for name in KEY_FILES}
    out = sunlit.ok("init")
    assert "已生成" not in out and "已创建" not in out
    assert {name: (sunlit.data / name).read_text() for name in KEY_FILES} == before


def test_a_secret_key_from_the_environment_is_not_written(sunlit: Sunlit) -> None:
    out = sunlit.ok("init", SUNLIT_SECRET_KEY="given")
    assert "SECRET_KEY 由环境变量 SUNLIT_SECRET_KEY 给出" in out
    assert not (sunlit.data / "secret_key").exists()
    assert (sunlit.data / "log-signer.key").exists()


def test_init_warns_about_a_data_folder_others_can_read(sunlit: Sunlit) -> None:
    sunlit.data.mkdir(parents=True, mode=0o755)
    sunlit.data.chmod(0o755)
    out = sunlit.ok("init")
    assert f"数据目录 {sunlit.data} 已存在；注意：其他用户可访问（0755），建议 chmod 700" in out
    assert mode(sunlit.data) == 0o755  # a folder someone made is theirs to change
    assert mode(sunlit.data / "secret_key") == 0o600


def test_migrate_runs_init_first_so_the_database_is_private_from_the_start(sunlit: Sunlit) -> None:
    done = sunlit.run("migrate", umask=0)
    assert done.returncode == 0, done.stderr
    assert "数据库文件" in done.stdout and "Applying record.0001_initial... OK" in done.stdout
    assert mode(sunlit.data) == 0o700
    files = sorted(p.name for p in sunlit.data.iterdir())
    assert {"sunlit.sqlite3", *KEY_FILES} <= set(files)
    for path in sunlit.data.glob("sunlit.sqlite3*"):  # SQLite's -wal and -shm follow the database's mode
        assert mode(path) == 0o600, path


def test_migrate_is_sunlits_own() -> None:
    assert get_commands()["migrate"] == "sunlit.server"
    assert get_commands()["serve"] == "sunlit.server"
    assert get_commands()["init"] == "sunlit.server"


def test_a_key_file_in_a_folder_that_does_not_exist_yet(sunlit: Sunlit, tmp_path: Path) -> None:
    key = tmp_path / "keys" / "log.key"
    sunlit.ok("init", SUNLIT_LOG_KEY_FILE=str(key))
    assert mode(key) == 0o600 and mode(key.parent) == 0o700

"""A PEP 517 (and PEP 660) build backend for the mockaws package, standard library only.

pip builds in an isolated environment; a backend from PyPI (setuptools) could
not be installed there without network, so the wheel is assembled here with
zipfile: the package files, METADATA, WHEEL, entry_points.txt and RECORD.
The editable wheel holds a .pth file naming this directory instead.
"""
import base64
import hashlib
import io
import os
import re
import tarfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
NAME = "mockaws"
PACKAGE = os.path.join(HERE, NAME)
TAG = "py3-none-any"
SUMMARY = ("Test helpers for mockaws: a control API client, a server context manager "
           "and a pytest plugin")
ENTRY_POINTS = "[pytest11]\nmockaws = mockaws.pytest_plugin\n"


def _version():
    with open(os.path.join(PACKAGE, "__init__.py"), encoding="utf-8") as f:
        m = re.search(r'^__version__ = "([^"]+)"', f.read(), re.M)
    if not m:
        raise RuntimeError("mockaws/__init__.py has no __version__")
    return m.group(1)


def _dist_info():
    return f"{NAME}-{_version()}.dist-info"


def _metadata():
    return (f"Metadata-Version: 2.1\nName: {NAME}\nVersion: {_version()}\n"
            f"Summary: {SUMMARY}\nLicense: Apache-2.0\nRequires-Python: >=3.8\n")


def _package_files():
    """(path in the wheel, bytes) for every file of the package, sorted."""
    out = []
    for root, dirs, files in os.walk(PACKAGE):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith((".pyc", ".pyo")):
                continue
            path = os.path.join(root, name)
            with open(path, "rb") as f:
                out.append((os.path.relpath(path, HERE).replace(os.sep, "/"), f.read()))
    return out


def _write_wheel(wheel_directory, files):
    dist = _dist_info()
    files = list(files) + [
        (f"{dist}/METADATA", _metadata().encode()),
        (f"{dist}/WHEEL", (f"Wheel-Version: 1.0\nGenerator: mockaws_build\n"
                           f"Root-Is-Purelib: true\nTag: {TAG}\n").encode()),
        (f"{dist}/entry_points.txt", ENTRY_POINTS.encode()),
        (f"{dist}/top_level.txt", f"{NAME}\n".encode()),
    ]
    record = []
    for path, data in files:
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(data)}")
    record.append(f"{dist}/RECORD,,")
    files.append((f"{dist}/RECORD", ("\n".join(record) + "\n").encode()))
    name = f"{NAME}-{_version()}-{TAG}.whl"
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w", zipfile.ZIP_DEFLATED) as z:
        for path, data in files:
            info = zipfile.ZipInfo(path, date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return name


def get_requires_for_build_wheel(config_settings=None):
    return []


get_requires_for_build_sdist = get_requires_for_build_wheel
get_requires_for_build_editable = get_requires_for_build_wheel


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    dist = os.path.join(metadata_directory, _dist_info())
    os.makedirs(dist, exist_ok=True)
    for name, text in (("METADATA", _metadata()), ("entry_points.txt", ENTRY_POINTS)):
        with open(os.path.join(dist, name), "w", encoding="utf-8") as f:
            f.write(text)
    return _dist_info()


prepare_metadata_for_build_editable = prepare_metadata_for_build_wheel


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return _write_wheel(wheel_directory, _package_files())


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    """PEP 660: `pip install -e`: a .pth file puts this directory on sys.path."""
    return _write_wheel(wheel_directory, [(f"_{NAME}_editable.pth", (HERE + "\n").encode())])


def build_sdist(sdist_directory, config_settings=None):
    base = f"{NAME}-{_version()}"
    name = f"{base}.tar.gz"
    with tarfile.open(os.path.join(sdist_directory, name), "w:gz") as tar:
        for rel in ["pyproject.toml", "mockaws_build.py", "README.md"] + \
                [p for p, _ in _package_files()]:
            if os.path.exists(os.path.join(HERE, rel)):
                tar.add(os.path.join(HERE, rel), arcname=f"{base}/{rel}")
        pkg_info = _metadata().encode()
        info = tarfile.TarInfo(f"{base}/PKG-INFO")
        info.size = len(pkg_info)
        tar.addfile(info, io.BytesIO(pkg_info))
    return name

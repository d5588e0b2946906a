"""Builds the netgear extension (netgear._netgear) with the project's CMake.

pyproject.toml has the metadata; this file adds what setuptools cannot know:
the version (CMakeLists.txt's project(netgear VERSION ...), the one the CLI and
the C++ API report) and a build_ext that configures CMake for the Python module
only (no tests, tools or install rules) and copies the module it builds.
"""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent


def project_version():
    text = (ROOT / "CMakeLists.txt").read_text()
    match = re.search(r"project\(netgear\s+VERSION\s+([0-9]+\.[0-9]+\.[0-9]+)", text)
    if not match:
        raise RuntimeError("CMakeLists.txt: no project(netgear VERSION x.y.z)")
    return match.group(1)


class CMakeBuild(build_ext):
    """Configures and builds the CMake target netgear_python in build_temp/cmake."""

    def build_extension(self, ext):
        build_dir = Path(self.build_temp).resolve() / "cmake"
        configure = [
            "cmake", "-S", str(ROOT), "-B", str(build_dir),
            "-DCMAKE_BUILD_TYPE=" + os.environ.get("NETGEAR_BUILD_TYPE", "Release"),
            "-DNETGEAR_BUILD_TESTS=OFF", "-DNETGEAR_BUILD_TOOLS=OFF",
            "-DNETGEAR_BUILD_PYTHON=ON", "-DNETGEAR_INSTALL=OFF",
            # The interpreter pip runs is the one the module is for.
            "-DNETGEAR_PYTHON=" + sys.executable,
        ]
        if shutil.which("ninja"):
            configure += ["-G", "Ninja"]
        if shutil.which("ccache"):  # rebuilds of the same tree come from the cache
            configure += ["-DCMAKE_CXX_COMPILER_LAUNCHER=ccache", "-DCMAKE_C_COMPILER_LAUNCHER=ccache"]
        subprocess.run(configure, check=True)
        jobs = os.environ.get("NETGEAR_BUILD_JOBS", str(os.cpu_count() or 1))
        subprocess.run(["cmake", "--build", str(build_dir), "--target", "netgear_python", "-j", jobs], check=True)
        built = sorted((build_dir / "python" / "netgear").glob("_netgear*.so"))
        if len(built) != 1:
            raise RuntimeError(f"expected one built _netgear module in {build_dir}, found {built}")
        target = Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built[0], target)
        # The copy's mode is that of a new file; a shared object needs to be readable, not more.
        target.chmod(0o755)


setup(
    version=project_version(),
    ext_modules=[Extension("netgear._netgear", sources=[])],
    cmdclass={"build_ext": CMakeBuild},
    # setuptools' work folders under build/python-package, beside (not among)
    # a CMake build in build/.
    options={"build": {"build_base": "build/python-package"}, "egg_info": {"egg_base": "build"}},
)

"""Build the diagram kernel: `python -m configurator.engine.diagram.kernel_build` (run by `make setup`).

Compiles kernel.c with cffi into this package, under a name that carries the source's
hash (see kernel.py); does nothing when that build is already there. Without a C
compiler it says so and exits normally: the pure-Python markings serve instead.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from configurator.engine.diagram.kernel import CDEF, HERE, SOURCE, available, module_name


def build() -> Path:
    """Compile kernel.c into this package (a C compiler is needed) and return the built file."""
    import cffi

    ffi = cffi.FFI()
    ffi.cdef(CDEF)
    name = module_name()
    ffi.set_source(name, SOURCE.read_text(), extra_compile_args=["-O2"])
    with tempfile.TemporaryDirectory() as tmp:
        built = Path(ffi.compile(tmpdir=tmp))
        target = HERE / built.name
        for stale in HERE.glob("_kernel_*"):
            stale.unlink()
        shutil.copyfile(built, target)
    return target


def main() -> None:
    if available():
        return
    try:
        print(f"built {build()}")
    except Exception as error:  # noqa: BLE001 (any compiler failure: the pure-Python path serves)
        print(f"the diagram kernel was not built ({error}); the pure-Python markings serve instead", file=sys.stderr)


if __name__ == "__main__":
    main()

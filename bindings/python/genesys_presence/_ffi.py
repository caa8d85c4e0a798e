"""The native library: where it is found, how it is loaded, and the one call path.

Every C function used here gets its ``argtypes`` and ``restype``. Strings the
library hands out are typed ``c_void_p`` (a ``c_char_p`` result would be copied
to ``bytes`` and the pointer lost, so it could never be freed), read with
``string_at`` and freed with ``gp_string_free`` in a ``finally``.

``ctypes.CDLL`` releases the GIL for the duration of each foreign call, so
calls on other Python threads run while one thread waits on the network.

The library is loaded on first use, not at import time, which keeps
``import genesys_presence`` cheap and lets tools read the package without it.
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading
from typing import Any, List, Optional, Tuple

from .errors import error_from_native

#: Environment variable naming the shared library to load, overriding the search.
LIBRARY_ENV = "GENESYS_PRESENCE_LIB"

GP_OK = 0

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
# bindings/python/genesys_presence -> the repository root, in a source checkout.
_REPO_DIR = os.path.dirname(os.path.dirname(os.path.dirname(_PACKAGE_DIR)))


class LibraryNotFoundError(ImportError):
    """The genesys-presence shared library could not be found or loaded."""


class _GpClient(ctypes.Structure):
    """The opaque ``gp_client``; only ever handled through a pointer."""


ClientPointer = ctypes.POINTER(_GpClient)
_StringOut = ctypes.POINTER(ctypes.c_void_p)

#: ``gp_token_fn``: ``void (*)(void *user_data, const char *token_json)``.
TokenCallback = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_char_p)

#: ``gp_progress_fn``: ``void (*)(void *user_data, uint64_t done, uint64_t total)``.
ProgressCallback = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_uint64, ctypes.c_uint64)


class CallOptions(ctypes.Structure):
    """``gp_call_options``: a cancel and a progress callback, each optional."""

    _fields_ = [
        ("cancel", ctypes.c_void_p),
        ("progress", ProgressCallback),
        ("progress_user_data", ctypes.c_void_p),
    ]


def library_file_name() -> str:
    """The library's file name on this platform, as cargo names it."""
    if sys.platform == "win32":
        return "genesys_presence.dll"
    if sys.platform == "darwin":
        return "libgenesys_presence.dylib"
    return "libgenesys_presence.so"


def candidate_paths() -> List[Tuple[str, str]]:
    """Where the library is looked for, in order, as ``(path, why)`` pairs.

    1. ``$GENESYS_PRESENCE_LIB`` if set (then nothing else is tried);
    2. the package folder, where ``pip install`` puts it: the plain file name,
       or the name with a Python extension suffix (``.cpython-311-x86_64-linux-gnu.so``)
       that setuptools-rust gives it;
    3. in a source checkout, ``<repo>/target/release`` then ``<repo>/target/debug``.
    """
    override = os.environ.get(LIBRARY_ENV)
    if override:
        return [(override, f"${LIBRARY_ENV}")]
    import importlib.machinery

    name = library_file_name()
    # setup.py's RustExtension target is genesys_presence.libgenesys_presence, on
    # every platform; setuptools-rust appends the extension suffix.
    packaged = [name] + [
        "libgenesys_presence" + suffix for suffix in importlib.machinery.EXTENSION_SUFFIXES
    ]
    candidates = [
        (os.path.join(_PACKAGE_DIR, file_name), "package folder")
        for file_name in dict.fromkeys(packaged)
    ]
    if os.path.isfile(os.path.join(_REPO_DIR, "Cargo.toml")):
        for profile in ("release", "debug"):
            candidates.append(
                (os.path.join(_REPO_DIR, "target", profile, name), f"cargo {profile} build")
            )
    return candidates


def find_library() -> str:
    """The path of the library to load; raises :class:`LibraryNotFoundError`."""
    candidates = candidate_paths()
    for path, _ in candidates:
        if os.path.isfile(path):
            return path
    looked = "\n".join(f"  - {path} ({why})" for path, why in candidates)
    if os.environ.get(LIBRARY_ENV):
        hint = (
            f"${LIBRARY_ENV} names a file that does not exist; "
            "unset it to search the usual places."
        )
    else:
        hint = (
            f"Install the package with pip (it builds the library), build it with "
            f"`cargo build --release` in a source checkout, or set ${LIBRARY_ENV} "
            f"to the path of {library_file_name()}."
        )
    raise LibraryNotFoundError(
        f"genesys-presence: the native library was not found. Looked in:\n{looked}\n{hint}",
        name=library_file_name(),
    )


#: ``gp_log_callback``: ``void (*)(void *user_data, int32_t level, const char *message)``.
LogCallback = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_int32, ctypes.c_char_p)

#: The callback that forwards log lines to :mod:`logging`, made on first use
#: (so that only clients that log pay for importing it) and kept for the
#: process's lifetime, as clients may hold it until they are freed.
_log_to_python: Optional[Any] = None


def _log_forwarder() -> Any:
    global _log_to_python
    with _load_lock:
        if _log_to_python is None:
            import logging

            logger = logging.getLogger("genesys_presence")
            levels = {1: logging.ERROR, 2: logging.WARNING, 3: logging.INFO, 4: logging.DEBUG}

            def forward(_user_data: Any, level: int, message: bytes) -> None:
                # Runs on whichever thread logs, with the GIL; it must not raise.
                try:
                    logger.log(levels.get(level, logging.DEBUG), message.decode("utf-8", "replace"))
                except Exception:  # noqa: BLE001 - a logging failure must not reach the library
                    pass

            _log_to_python = LogCallback(forward)
        return _log_to_python


def _declare(lib: ctypes.CDLL) -> None:
    """Gives every function this wrapper uses its C signature."""
    status = ctypes.c_int32
    lib.gp_client_new.argtypes = [ctypes.c_char_p, ctypes.POINTER(ClientPointer), _StringOut]
    lib.gp_client_new.restype = status
    lib.gp_client_free.argtypes = [ClientPointer]
    lib.gp_client_free.restype = None
    lib.gp_client_set_access_token.argtypes = [ClientPointer, ctypes.c_char_p, _StringOut]
    lib.gp_client_set_access_token.restype = status
    lib.gp_client_set_log_callback.argtypes = [ClientPointer, LogCallback, ctypes.c_void_p, _StringOut]
    lib.gp_client_set_log_callback.restype = status
    lib.gp_client_set_token_callback.argtypes = [ClientPointer, TokenCallback, ctypes.c_void_p]
    lib.gp_client_set_token_callback.restype = status
    lib.gp_cancel_new.argtypes = []
    lib.gp_cancel_new.restype = ctypes.c_void_p
    lib.gp_cancel_request.argtypes = [ctypes.c_void_p]
    lib.gp_cancel_request.restype = None
    lib.gp_cancel_free.argtypes = [ctypes.c_void_p]
    lib.gp_cancel_free.restype = None
    lib.gp_call_with.argtypes = [
        ClientPointer,
        ctypes.c_char_p,
        ctypes.c_char_p,
        ctypes.POINTER(CallOptions),
        _StringOut,
    ]
    lib.gp_call_with.restype = status
    lib.gp_string_free.argtypes = [ctypes.c_void_p]
    lib.gp_string_free.restype = None
    lib.gp_watch_new.argtypes = [ClientPointer, ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p), _StringOut]
    lib.gp_watch_new.restype = status
    lib.gp_watch_next.argtypes = [ctypes.c_void_p, ctypes.c_uint32, _StringOut]
    lib.gp_watch_next.restype = status
    lib.gp_watch_close.argtypes = [ctypes.c_void_p]
    lib.gp_watch_close.restype = None
    lib.gp_watch_free.argtypes = [ctypes.c_void_p]
    lib.gp_watch_free.restype = None
    # Static strings, never freed; c_void_p all the same, read with string_at.
    lib.gp_version.argtypes = []
    lib.gp_version.restype = ctypes.c_void_p
    lib.gp_operations_json.argtypes = []
    lib.gp_operations_json.restype = ctypes.c_void_p


_lib: Optional[ctypes.CDLL] = None
_lib_path: Optional[str] = None
# gp_string_free through PyDLL: it keeps the GIL. Freeing is instant, and
# releasing the GIL for it would let another thread take it mid-call.
_string_free: Any = None
_load_lock = threading.Lock()


def lib() -> ctypes.CDLL:
    """The loaded library (loaded and declared once, on first use)."""
    global _lib, _lib_path, _string_free
    if _lib is not None:
        return _lib
    with _load_lock:
        if _lib is None:
            path = find_library()
            try:
                loaded = ctypes.CDLL(path)
                _declare(loaded)
                string_free = ctypes.PyDLL(path, handle=loaded._handle).gp_string_free
                string_free.argtypes = [ctypes.c_void_p]
                string_free.restype = None
            except OSError as error:
                raise LibraryNotFoundError(
                    f"genesys-presence: could not load {path}: {error}", path=path
                ) from error
            except AttributeError as error:
                # Loaded, but not the library this package was made for: a stale
                # build, or another file under its name.
                raise LibraryNotFoundError(
                    f"genesys-presence: {path} is not the library this package needs "
                    f"({error}): it is older than the package or not genesys-presence. "
                    f"Reinstall the package (pip install --force-reinstall), rebuild with "
                    f"`cargo build --release` in a source checkout, or point ${LIBRARY_ENV} "
                    f"at a current {library_file_name()}.",
                    path=path,
                ) from error
            _lib_path = path
            _string_free = string_free
            _lib = loaded
    return _lib


def library_path() -> str:
    """The file the library was loaded from (loading it if needed)."""
    lib()
    assert _lib_path is not None
    return _lib_path


def _static_string(pointer: Optional[int]) -> str:
    return ctypes.string_at(pointer).decode("utf-8") if pointer else ""


def version() -> str:
    """The native library's version, e.g. ``"0.1.0"``."""
    return _static_string(lib().gp_version())


def operations_json() -> str:
    """The library's operation table, as the JSON text of ``gp_operations_json``."""
    return _static_string(lib().gp_operations_json())


def rustcall(function: Any, *args: Any) -> Optional[bytes]:
    """Calls a ``gp_`` function whose last parameter is a ``char **`` output.

    The output string (the result on ``GP_OK``, else the error JSON) is read and
    then freed whatever happens; a non-OK status is raised as the matching
    :class:`~genesys_presence.PresenceError`. Returns the output's UTF-8 bytes
    (JSON parsers take them as they are), or None when the function left it NULL.
    """
    out = ctypes.c_void_p()
    status = function(*args, ctypes.byref(out))
    try:
        text = ctypes.string_at(out.value) if out.value else None
    finally:
        if out.value:
            _string_free(out)
    if status != GP_OK:
        raise error_from_native(status, text)
    return text


def new_client(config_json: bytes) -> Any:
    """A new ``gp_client *`` for the config JSON; raises on a bad config."""
    client = ClientPointer()
    rustcall(lib().gp_client_new, config_json, ctypes.byref(client))
    return client


def free_client(client: Any) -> None:
    lib().gp_client_free(client)


def set_access_token(client: Any, token: bytes) -> None:
    rustcall(lib().gp_client_set_access_token, client, token)


def route_logs_to_python(client: Any) -> None:
    """Sends the client's log lines to the ``genesys_presence`` logger."""
    rustcall(lib().gp_client_set_log_callback, client, _log_forwarder(), None)


def call_with(client: Any, name: bytes, params_json: bytes, options: Any) -> bytes:
    """``gp_call_with``: an operation or a helper by name, with a cancel and progress."""
    text = rustcall(lib().gp_call_with, client, name, params_json, ctypes.byref(options))
    return b"null" if text is None else text


def watch_new(client: Any, params_json: bytes) -> int:
    """``gp_watch_new``: a new ``gp_watch *`` (an int), or raises."""
    watch = ctypes.c_void_p()
    rustcall(lib().gp_watch_new, client, params_json, ctypes.byref(watch))
    return int(watch.value or 0)


def watch_next(watch: int, timeout_ms: int) -> bytes:
    """``gp_watch_next``: one event's JSON, or ``null``."""
    text = rustcall(lib().gp_watch_next, watch, timeout_ms)
    return b"null" if text is None else text


def set_token_callback(client: Any, callback: Any) -> Any:
    """Routes the client's token grants to ``callback(dict)``; returns the ctypes
    callback, which the client must keep alive (None removes it)."""
    if callback is None:
        native = TokenCallback()
    else:
        import logging

        import orjson

        def forward(_user_data: Any, token_json: bytes) -> None:
            # Runs on the renewing thread, with the GIL; it must not raise.
            try:
                callback(orjson.loads(token_json))
            except Exception:  # noqa: BLE001 - logged, never into the library
                logging.getLogger("genesys_presence").exception("the token callback raised")

        native = TokenCallback(forward)
    status = lib().gp_client_set_token_callback(client, native, None)
    if status != GP_OK:
        raise error_from_native(status, None)
    return native

# probe.py - CPython with the library loaded through ctypes and faulthandler
# enabled before or after copy_mc_init(), then a real crash
# (ctypes.string_at(0)).  Usage: probe.py ORDER LIBCOPYMC, ORDER one of
#   without  faulthandler only, the library never loaded
#   before   faulthandler.enable(), then copy_mc_init()
#   after    copy_mc_init() and a recovered faulting copy, then
#            faulthandler.enable() on top of the library
#   reinit   copy_mc_init(), faulthandler.enable(), copy_mc_init() again (the
#            remedy for a handler installed after the library: re-install
#            on top, so copies recover again), a recovered faulting copy
import ctypes
import faulthandler
import sys

order, libpath = sys.argv[1], sys.argv[2]
PAGE = 4096
BEFORE, LEN = 100, 300


def faultcopy(lib):
    """A copy that runs into a PROT_NONE page: returns the bytes not copied."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mmap.restype = ctypes.c_void_p
    libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int,
                          ctypes.c_int, ctypes.c_int, ctypes.c_long]
    libc.mprotect.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    PROT_NONE, PROT_RW, MAP_PRIVATE_ANON = 0, 3, 0x02 | 0x20
    p = libc.mmap(None, 2 * PAGE, PROT_RW, MAP_PRIVATE_ANON, -1, 0)
    if p is None or p == ctypes.c_void_p(-1).value:
        return -1
    if libc.mprotect(p + PAGE, PAGE, PROT_NONE) != 0:
        return -1
    dst = ctypes.create_string_buffer(LEN)
    lib.copy_mc_to_kernel.restype = ctypes.c_size_t
    lib.copy_mc_to_kernel.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t]
    return lib.copy_mc_to_kernel(dst, p + PAGE - BEFORE, LEN)


def crash():
    ctypes.string_at(0)


if order == "without":
    faulthandler.enable()
elif order == "before":
    faulthandler.enable()
    lib = ctypes.CDLL(libpath)
    print("copy_mc_init:", lib.copy_mc_init())
    print("faultcopy: %d of %d" % (faultcopy(lib), LEN))
elif order == "after":
    lib = ctypes.CDLL(libpath)
    print("copy_mc_init:", lib.copy_mc_init())
    print("faultcopy: %d of %d" % (faultcopy(lib), LEN))
    faulthandler.enable()
elif order == "reinit":
    lib = ctypes.CDLL(libpath)
    print("copy_mc_init:", lib.copy_mc_init())
    faulthandler.enable()
    print("copy_mc_init:", lib.copy_mc_init())
    print("faultcopy: %d of %d" % (faultcopy(lib), LEN))
else:
    sys.exit("usage: probe.py without|before|after|reinit LIBCOPYMC")
print("crashing", flush=True)
crash()
print("survived the crash")

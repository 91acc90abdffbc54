// probe.rs - Rust std's stack-overflow report with the library active or not:
// a thread recurses without end; std must print "thread '...' has overflowed
// its stack" and abort (SIGABRT).  Usage: probe with|without thread|main
use std::env;
use std::process;
use std::thread;

#[link(name = "copymc")]
extern "C" {
    fn copy_mc_init() -> i32;
    fn copy_mc_to_kernel(dst: *mut u8, src: *const u8, len: usize) -> usize;
}

extern "C" {
    fn mmap(addr: *mut u8, len: usize, prot: i32, flags: i32, fd: i32, off: i64) -> *mut u8;
    fn mprotect(addr: *mut u8, len: usize, prot: i32) -> i32;
}

const PAGE: usize = 4096;
const BEFORE: usize = 100;
const LEN: usize = 300;

// A copy that runs into a PROT_NONE page: returns the bytes not copied.
fn faultcopy() -> isize {
    let mut dst = [0u8; LEN];
    unsafe {
        let p = mmap(std::ptr::null_mut(), 2 * PAGE, 3, 0x22, -1, 0);
        if p as isize == -1 || mprotect(p.add(PAGE), PAGE, 0) != 0 {
            return -1;
        }
        copy_mc_to_kernel(dst.as_mut_ptr(), p.add(PAGE - BEFORE), LEN) as isize
    }
}

// Built without optimisation, and the volatile reads keep every frame real.
#[allow(unconditional_recursion)]
fn recurse(n: u64) -> u64 {
    let buf = [n; 64];
    let next = unsafe { std::ptr::read_volatile(&buf[3]) } + 1;
    recurse(next) + unsafe { std::ptr::read_volatile(&buf[5]) }
}

fn main() {
    let args: Vec<String> = env::args().collect();
    if args.len() != 3 || (args[1] != "with" && args[1] != "without") {
        eprintln!("usage: probe with|without thread|main");
        process::exit(2);
    }
    if args[1] == "with" {
        println!("copy_mc_init: {}", unsafe { copy_mc_init() });
        println!("faultcopy: {} of {}", faultcopy(), LEN);
    }
    println!("crashing");
    if args[2] == "main" {
        recurse(0);
    }
    let t = thread::Builder::new()
        .name("deep".into())
        .stack_size(256 * 1024)
        .spawn(|| recurse(0))
        .unwrap();
    let r = t.join();
    println!("survived the overflow: {:?}", r.is_ok());
}

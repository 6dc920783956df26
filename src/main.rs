// mimalloc: a million-row import makes tens of millions of small, short-lived
// allocations (cells, values, JSON); glibc's malloc spends a fifth of the
// reading thread's time on them.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(karte::cli::main());
}

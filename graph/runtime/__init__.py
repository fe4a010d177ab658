"""Runtime helpers the domain code leans on without knowing how they work: all-or-none writes
(`atomic`), work in a forked child with time and memory limits (`forked`), pausing the cyclic
garbage collector around passes that allocate millions of objects (`gc_pause`), ending a one-shot
command without the interpreter's teardown (`quick_exit`), and text for the terminal (`terminal`).

Imports: nothing of stackmap (the standard library only).
"""

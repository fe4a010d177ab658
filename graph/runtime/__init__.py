"""Runtime helpers the domain code leans on without knowing how they work: all-or-none writes
(`atomic`), work in a forked child with time and memory limits (`forked`), pausing the cyclic
garbage collector around passes that allocate millions of objects (`gc_pause`), and text for the
terminal (`terminal`).

Imports: nothing of stackmap (the standard library only).
"""

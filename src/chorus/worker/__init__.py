"""The worker: takes submitted tasks, writes lyrics, renders clips in a process pool,
writes status and progress back, resumes what a crash interrupted."""

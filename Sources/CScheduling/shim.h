#ifndef NAHTSTELLE_CSCHEDULING_SHIM_H
#define NAHTSTELLE_CSCHEDULING_SHIM_H

// `sched_setattr`/`sched_getattr` for the calling thread. glibc has no wrappers for them, and
// `syscall` is variadic, which Swift cannot call: clang compiles these.
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/// The kernel's `struct sched_attr` (SCHED_ATTR_SIZE_VER0, 48 bytes).
struct nahtstelle_sched_attr {
    uint32_t size;
    uint32_t sched_policy;
    uint64_t sched_flags;
    int32_t sched_nice;
    uint32_t sched_priority;
    uint64_t sched_runtime;
    uint64_t sched_deadline;
    uint64_t sched_period;
};

/// SCHED_FLAG_RESET_ON_FORK: a child process started from the thread gets the normal policy.
#define NAHTSTELLE_SCHED_FLAG_RESET_ON_FORK 0x01

/// Sets the calling thread's policy (SCHED_OTHER 0, SCHED_FIFO 1), its real-time priority and, for
/// SCHED_OTHER, its time slice in nanoseconds (the kernel's EEVDF scheduler, Linux 6.12 and later;
/// 0 keeps the default). Returns 0 or the errno value (EPERM: not allowed).
static inline int nahtstelle_sched_set(uint32_t policy, uint32_t priority, uint64_t slice_ns, int reset_on_fork) {
    struct nahtstelle_sched_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.size = sizeof attr;
    attr.sched_policy = policy;
    attr.sched_priority = priority;
    attr.sched_runtime = slice_ns;
    attr.sched_flags = reset_on_fork ? NAHTSTELLE_SCHED_FLAG_RESET_ON_FORK : 0;
    return syscall(SYS_sched_setattr, 0, &attr, 0) == 0 ? 0 : errno;
}

/// The calling thread's policy, real-time priority and time slice (nanoseconds; 0 when the kernel
/// does not report one). Returns 0 or the errno value.
static inline int nahtstelle_sched_get(uint32_t *policy, uint32_t *priority, uint64_t *slice_ns) {
    struct nahtstelle_sched_attr attr;
    memset(&attr, 0, sizeof attr);
    if (syscall(SYS_sched_getattr, 0, &attr, sizeof attr, 0) != 0) return errno;
    *policy = attr.sched_policy;
    *priority = attr.sched_priority;
    *slice_ns = attr.sched_runtime;
    return 0;
}

#endif

// Lock contracts the compiler checks: clang's -Wthread-safety (on in every clang build of this
// project, scripts/sanitize and scripts/fuzz among them) proves that each member marked
// GUARDED_BY(mu_) is touched only with mu_ held, and that each function marked REQUIRES(mu_) is
// called with it. With other compilers the annotations expand to nothing.
//
//   Mutex mu_;
//   std::deque<Request*> queue_ GUARDED_BY(mu_);
//   void TakeGroup() REQUIRES(mu_);

#ifndef SECONDMENT_LEDGER_BASE_THREAD_ANNOTATIONS_H_
#define SECONDMENT_LEDGER_BASE_THREAD_ANNOTATIONS_H_

#if defined(__clang__)
#define SECONDMENT_THREAD_ANNOTATION_(x) __attribute__((x))
#else
#define SECONDMENT_THREAD_ANNOTATION_(x)
#endif

// On a class: its objects are locks (named `kind` in warnings).
#define CAPABILITY(kind) SECONDMENT_THREAD_ANNOTATION_(capability(kind))
// On a class: an object that holds a lock for its lifetime (MutexLock).
#define SCOPED_CAPABILITY SECONDMENT_THREAD_ANNOTATION_(scoped_lockable)
// On a member: read or written only with `lock` held.
#define GUARDED_BY(lock) SECONDMENT_THREAD_ANNOTATION_(guarded_by(lock))
// On a pointer member: what it points to is read or written only with `lock` held.
#define PT_GUARDED_BY(lock) SECONDMENT_THREAD_ANNOTATION_(pt_guarded_by(lock))
// On a function: called with the locks held, and returns with them still held.
#define REQUIRES(...) SECONDMENT_THREAD_ANNOTATION_(requires_capability(__VA_ARGS__))
// On a function: called without the locks (it takes them itself).
#define EXCLUDES(...) SECONDMENT_THREAD_ANNOTATION_(locks_excluded(__VA_ARGS__))
// On a function: takes (ACQUIRE) or lets go of (RELEASE) the locks, or `this` when none given.
#define ACQUIRE(...) SECONDMENT_THREAD_ANNOTATION_(acquire_capability(__VA_ARGS__))
#define RELEASE(...) SECONDMENT_THREAD_ANNOTATION_(release_capability(__VA_ARGS__))
// On a function: returns only when the lock is held (a run-time check the analysis trusts).
#define ASSERT_CAPABILITY(lock) SECONDMENT_THREAD_ANNOTATION_(assert_capability(lock))
// On a function the analysis cannot follow; say why beside it.
#define NO_THREAD_SAFETY_ANALYSIS SECONDMENT_THREAD_ANNOTATION_(no_thread_safety_analysis)

#endif  // SECONDMENT_LEDGER_BASE_THREAD_ANNOTATIONS_H_

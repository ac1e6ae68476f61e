/* Force-included into every C/C++ unit of the mediasoup 3.8.4 worker build.
 * glibc 2.34 made SIGSTKSZ and MINSIGSTKSZ run-time values (sysconf calls), but the abseil bundled with
 * mediasoup 3.8.4 sizes a static array with them. We pin them back to the constants they used to be. */
#ifndef HOSTLINE_SIGSTKSZ_H
#define HOSTLINE_SIGSTKSZ_H
#include <signal.h>
#undef SIGSTKSZ
#define SIGSTKSZ 16384
#undef MINSIGSTKSZ
#define MINSIGSTKSZ 8192
#endif

/* Peak fp32 FMA throughput of this machine (issue 14): each thread runs independent
 * chains of fused multiply-adds on 8-wide (AVX2) or 16-wide (AVX-512) vectors, enough of
 * them to hide the FMA latency (4 cycles x 2 ports), with no memory traffic. Built at bench
 * time by bench/compare.py: gcc -O3 -march=native -pthread bench/peak.c -o out/bench/peak.
 * Prints one line per thread count: "peak threads=T gflops=G".  2 flops per FMA lane. */
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#if defined(__AVX512F__)
typedef __m512 vec;
#define LANES 16
#define FMA(a, b, c) _mm512_fmadd_ps(a, b, c)
#define SET1(x) _mm512_set1_ps(x)
#define ADD(a, b) _mm512_add_ps(a, b)
static float hsum(vec v) { return _mm512_reduce_add_ps(v); }
#elif defined(__FMA__)
typedef __m256 vec;
#define LANES 8
#define FMA(a, b, c) _mm256_fmadd_ps(a, b, c)
#define SET1(x) _mm256_set1_ps(x)
#define ADD(a, b) _mm256_add_ps(a, b)
static float hsum(vec v) {
  float t[8];
  _mm256_storeu_ps(t, v);
  return t[0] + t[1] + t[2] + t[3] + t[4] + t[5] + t[6] + t[7];
}
#else
#error "peak.c needs FMA (gcc -march=native on an x86-64 CPU with FMA)"
#endif

#define CHAINS 12
static long iters = 20000000 / CHAINS; /* ~3 ms per thread at peak: the best of many short runs finds a quiet time slice */
static float sink[64];

static void *work(void *arg) {
  long id = (long)arg;
  vec acc[CHAINS];
  for (int i = 0; i < CHAINS; i++) acc[i] = SET1(0.001f * (i + 1));
  vec m = SET1(0.999999f), a = SET1(1e-7f);
  for (long k = 0; k < iters; k++) {
#pragma GCC unroll 12
    for (int i = 0; i < CHAINS; i++) acc[i] = FMA(acc[i], m, a);
  }
  vec s = acc[0];
  for (int i = 1; i < CHAINS; i++) s = ADD(s, acc[i]);
  sink[id] = hsum(s);
  return NULL;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

int main(int argc, char **argv) {
  int maxT = argc > 1 ? atoi(argv[1]) : 2;
  for (int T = 1; T <= maxT; T++) {
    pthread_t th[64];
    double best = 0;
    for (int rep = 0; rep < 200; rep++) {
      double t0 = now();
      for (long i = 0; i < T; i++) pthread_create(&th[i], NULL, work, (void *)i);
      for (int i = 0; i < T; i++) pthread_join(th[i], NULL);
      double g = 2.0 * LANES * CHAINS * (double)iters * T / (now() - t0) / 1e9;
      if (g > best) best = g;
    }
    printf("peak threads=%d lanes=%d gflops=%.1f\n", T, LANES, best);
  }
  return sink[0] == 12345.f;
}

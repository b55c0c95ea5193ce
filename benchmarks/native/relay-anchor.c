// A measuring anchor for benchmarks/proxy-relay, not part of the product: the least a relay
// between two loopback TCP connections can cost, written in C. It accepts a SOCKS5 no-auth
// CONNECT to an IPv4 address (all the benchmark sends), dials it, and relays both ways, one
// blocking thread per direction, either with splice(2) through a pipe of PIPE_BYTES (grown
// with fcntl(F_SETPIPE_SZ), which the JVM cannot do without native code) or by read/write
// through a user-space buffer of PIPE_BYTES. One connection at a time; exits on SIGTERM.
//   cc -O2 -pthread -o relay-anchor relay-anchor.c
//   relay-anchor PORT splice|copy PIPE_BYTES
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int use_splice;
static int size;

struct leg {
  int from, to;
};

static void die(const char *what) {
  perror(what);
  exit(1);
}

static int read_full(int fd, unsigned char *buf, int n) {
  for (int got = 0; got < n;) {
    ssize_t r = read(fd, buf + got, n - got);
    if (r <= 0) return -1;
    got += r;
  }
  return 0;
}

static void *pump(void *arg) {
  struct leg *leg = arg;
  if (use_splice) {
    int p[2];
    if (pipe(p) < 0) die("pipe");
    if (fcntl(p[1], F_SETPIPE_SZ, size) < 0) die("F_SETPIPE_SZ");
    for (;;) {
      ssize_t n = splice(leg->from, NULL, p[1], NULL, size, SPLICE_F_MOVE);
      if (n <= 0) break;
      while (n > 0) {
        ssize_t w = splice(p[0], NULL, leg->to, NULL, n, SPLICE_F_MOVE);
        if (w <= 0) goto done;
        n -= w;
      }
    }
  done:
    close(p[0]);
    close(p[1]);
  } else {
    char *buf = malloc(size);
    for (;;) {
      ssize_t n = read(leg->from, buf, size);
      if (n <= 0) break;
      for (ssize_t off = 0; off < n;) {
        ssize_t w = write(leg->to, buf + off, n - off);
        if (w <= 0) goto out;
        off += w;
      }
    }
  out:
    free(buf);
  }
  shutdown(leg->to, SHUT_WR);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s PORT splice|copy BYTES\n", argv[0]);
    return 2;
  }
  use_splice = strcmp(argv[2], "splice") == 0;
  size = atoi(argv[3]);
  int one = 1;
  int ls = socket(AF_INET, SOCK_STREAM, 0);
  setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[1]))};
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(ls, (struct sockaddr *)&addr, sizeof addr) < 0) die("bind");
  if (listen(ls, 16) < 0) die("listen");
  for (;;) {
    int c = accept(ls, NULL, NULL);
    if (c < 0) continue;
    unsigned char req[13];
    // greeting (05 01 00) and CONNECT (05 01 00 01 a.b.c.d port) in one go, as the bench sends
    if (read_full(c, req, 13) < 0 || req[0] != 5 || req[6] != 1) {
      close(c);
      continue;
    }
    struct sockaddr_in dst = {.sin_family = AF_INET};
    memcpy(&dst.sin_addr, req + 7, 4);
    memcpy(&dst.sin_port, req + 11, 2);
    int o = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(o, (struct sockaddr *)&dst, sizeof dst) < 0) {
      close(c);
      close(o);
      continue;
    }
    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    setsockopt(o, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    static const unsigned char ok[12] = {5, 0, 5, 0, 0, 1, 127, 0, 0, 1, 0, 0};
    if (write(c, ok, sizeof ok) != sizeof ok) {
      close(c);
      close(o);
      continue;
    }
    struct leg up = {c, o}, down = {o, c};
    pthread_t t;
    pthread_create(&t, NULL, pump, &down);
    pump(&up);
    pthread_join(t, NULL);
    close(c);
    close(o);
  }
}

// A measuring anchor for benchmarks/connect-vs-smtp-source, not part of the product: about the
// least a SOCKS5 proxy can cost per connection setup on this machine, written in C. One thread,
// one epoll set (edge-triggered; each socket is added once and never modified), non-blocking
// sockets throughout. It speaks what `egresskit bench connect` sends: a greeting offering method
// 00 (no authentication), then CONNECT, or KumoProxy's BIND (the address is the source to bind
// the outbound socket to; the reply carries the bound address) followed by CONNECT dialled from
// that source. Requests may be pipelined: whatever has arrived is answered in order, and replies
// that are ready go out in one write (while a dial is under way, the earlier replies wait for its
// reply). After CONNECT it relays bytes both ways with read/write through a RELAY_BYTES buffer
// per direction, passes a half-close on with shutdown(SHUT_WR), and closes both sockets once both
// directions have ended or on any error. Bad input closes that connection (after a failure reply
// where SOCKS5 has one). Like KumoProxy, TCP_NODELAY and SO_KEEPALIVE on both legs (the accepted
// leg inherits them from the listener). No timeouts and no access rules: it serves a benchmark on
// loopback, nothing else. Runs until killed.
//   cc -O2 -o socks-anchor socks-anchor.c
//   socks-anchor PORT          (listens on 127.0.0.1:PORT)
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define RELAY_BYTES 16384   // per direction; SMTP set-up exchanges are a few hundred bytes
#define HANDSHAKE_BYTES 600 // more than the longest greeting (257) or request (262) needs
#define MAX_EVENTS 64

enum state { GREETING, REQUEST, CONNECTING, RELAY };

// One direction of the relay: bytes read from `from`, written to `to`. `len - off` bytes wait in
// buf. `drained` says the last read found the source empty (edge-triggered epoll reports new
// bytes as a new event), so a write becoming possible does not cost a read that finds nothing;
// `hup` says the source reported its peer's FIN, which brings no further edge, so short reads no
// longer count as drained until read returns 0. `blocked` says a write found `to` full: only
// its EPOLLOUT resumes.
struct dir {
  int from, to;
  int off, len;
  int drained, hup, blocked, eof, shut;
  char buf[RELAY_BYTES];
};

struct session {
  int client, outbound; // outbound is -1 until BIND or CONNECT creates it
  enum state state;
  int bound, closed;
  int inlen;             // handshake bytes read from the client, not yet consumed
  unsigned char in[HANDSHAKE_BYTES];
  struct dir up;         // client -> destination
  struct dir down;       // destination -> client; also carries the SOCKS5 replies
  struct session *next_dead;
};

static int ep;
static int sessions, max_sessions; // two descriptors per session, within RLIMIT_NOFILE
static struct session *dead; // closed in this batch of events, freed after it

static void close_session(struct session *s) {
  if (s->closed) return;
  s->closed = 1;
  close(s->client); // closing removes it from the epoll set
  if (s->outbound >= 0) close(s->outbound);
  s->next_dead = dead;
  dead = s;
  sessions--;
}

// Adds a socket to the epoll set once, for both directions, tagged with its session and side.
static int watch(struct session *s, int fd, int outbound_side) {
  struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET};
  ev.data.u64 = (uint64_t)(uintptr_t)s | (uint64_t)outbound_side;
  return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

// Writes what waits in d. Returns 1 when all is written, 0 when the socket is full (an EPOLLOUT
// event resumes), -1 on error.
static int flush(struct dir *d) {
  if (d->blocked) return 0;
  while (d->off < d->len) {
    ssize_t w = write(d->to, d->buf + d->off, d->len - d->off);
    if (w > 0) {
      d->off += w;
    } else if (w < 0 && errno == EINTR) {
      continue;
    } else if (w < 0 && errno == EAGAIN) {
      d->blocked = 1;
      return 0;
    } else {
      return -1;
    }
  }
  d->off = d->len = 0;
  return 1;
}

// Moves bytes along one direction until the source is empty or the destination full. Returns -1
// when the session must close.
static int pump(struct dir *d) {
  for (;;) {
    int f = flush(d);
    if (f <= 0) return f;
    if (d->eof) {
      if (!d->shut) {
        d->shut = 1;
        if (shutdown(d->to, SHUT_WR) < 0 && errno != ENOTCONN) return -1;
      }
      return 0;
    }
    if (d->drained) return 0;
    ssize_t n = read(d->from, d->buf, RELAY_BYTES);
    if (n > 0) {
      d->len = n;
      // A short read emptied the socket (epoll(7): stream sockets); the next bytes bring a new
      // edge. Write these first, then stop.
      if (n < RELAY_BYTES && !d->hup) d->drained = 1;
    } else if (n == 0) {
      d->eof = 1;
    } else if (errno == EAGAIN) {
      d->drained = 1;
      return 0;
    } else if (errno != EINTR) {
      return -1;
    }
  }
}

// Both directions ended and their last bytes were written.
static int finished(struct session *s) {
  return s->up.shut && s->down.shut;
}

static int rep_for(int err) {
  switch (err) {
  case ENETUNREACH: return 3;
  case EHOSTUNREACH: return 4;
  case ECONNREFUSED: return 5;
  case ETIMEDOUT: return 6;
  default: return 1; // EADDRNOTAVAIL included, as KumoProxy
  }
}

static void reply(struct session *s, const unsigned char *bytes, int n) {
  memcpy(s->down.buf + s->down.len, bytes, n); // at most a few dozen bytes before the relay
  s->down.len += n;
}

// 05 REP 00 ATYP ADDR PORT with the local address of the outbound socket.
static int reply_local(struct session *s) {
  struct sockaddr_storage a;
  socklen_t alen = sizeof a;
  if (getsockname(s->outbound, (struct sockaddr *)&a, &alen) < 0) return -1;
  unsigned char r[22] = {5, 0, 0};
  int n;
  if (a.ss_family == AF_INET) {
    struct sockaddr_in *v4 = (struct sockaddr_in *)&a;
    r[3] = 1;
    memcpy(r + 4, &v4->sin_addr, 4);
    memcpy(r + 8, &v4->sin_port, 2);
    n = 10;
  } else {
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&a;
    r[3] = 4;
    memcpy(r + 4, &v6->sin6_addr, 16);
    memcpy(r + 20, &v6->sin6_port, 2);
    n = 22;
  }
  reply(s, r, n);
  return 0;
}

// Sends the failure reply 05 REP 00 01 0.0.0.0:0 after any replies already queued, then closes.
static void fail(struct session *s, int rep) {
  unsigned char r[10] = {5, rep, 0, 1};
  reply(s, r, 10);
  flush(&s->down); // best effort: the session ends either way
  close_session(s);
}

static int new_outbound(struct session *s, int family) {
  int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
  if (fd < 0) return -1;
  int one = 1;
  if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0
      || setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one) < 0) {
    close(fd);
    return -1;
  }
  s->outbound = s->up.to = s->down.from = fd;
  return 0;
}

// The relay starts: the replies (in down) go out first, client bytes that came behind the
// CONNECT go to the destination first.
static void start_relay(struct session *s) {
  s->state = RELAY;
  memcpy(s->up.buf, s->in, s->inlen);
  s->up.len = s->inlen;
  s->inlen = 0;
  if (pump(&s->down) < 0 || pump(&s->up) < 0) close_session(s);
}

// The dial finished (EPOLLOUT or EPOLLERR on the outbound socket while CONNECTING). The
// destination's first bytes (an SMTP banner) are read now only if this event reports them.
static void connected(struct session *s, uint32_t events) {
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(s->outbound, SOL_SOCKET, SO_ERROR, &err, &len) < 0) err = errno;
  if (err == EINPROGRESS || err == EALREADY) return;
  if (err != 0 || reply_local(s) < 0) {
    fail(s, rep_for(err));
    return;
  }
  s->down.hup = (events & (EPOLLRDHUP | EPOLLHUP)) != 0;
  s->down.drained = !(events & EPOLLIN) && !s->down.hup;
  start_relay(s);
}

// Reads a socket address of type atyp at p into a. Returns its length in the request, 0 when
// the type is not an IP address.
static int parse_addr(const unsigned char *p, int atyp, struct sockaddr_storage *a, socklen_t *alen) {
  memset(a, 0, sizeof *a);
  if (atyp == 1) {
    struct sockaddr_in *v4 = (struct sockaddr_in *)a;
    v4->sin_family = AF_INET;
    memcpy(&v4->sin_addr, p, 4);
    memcpy(&v4->sin_port, p + 4, 2);
    *alen = sizeof *v4;
    return 6;
  }
  if (atyp == 4) {
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)a;
    v6->sin6_family = AF_INET6;
    memcpy(&v6->sin6_addr, p, 16);
    memcpy(&v6->sin6_port, p + 16, 2);
    *alen = sizeof *v6;
    return 18;
  }
  return 0;
}

// Consumes the complete messages in s->in, in order, queueing their replies (the caller writes
// them). Returns when it needs more bytes, a dial is under way, the relay started, or the
// session closed.
static void handshake(struct session *s) {
  int pos = 0;
  while (!s->closed && (s->state == GREETING || s->state == REQUEST)) {
    unsigned char *m = s->in + pos;
    int have = s->inlen - pos;
    if (s->state == GREETING) {
      if (have < 2) break;
      if (m[0] != 5 || m[1] == 0) {
        close_session(s);
        return;
      }
      if (have < 2 + m[1]) break;
      int no_auth = memchr(m + 2, 0, m[1]) != NULL;
      unsigned char r[2] = {5, no_auth ? 0 : 0xff};
      reply(s, r, 2);
      pos += 2 + m[1];
      if (!no_auth) {
        flush(&s->down);
        close_session(s);
        return;
      }
      s->state = REQUEST;
      continue;
    }
    // REQUEST: VER CMD RSV ATYP ADDR PORT
    if (have < 5) break;
    if (m[0] != 5) {
      close_session(s);
      return;
    }
    int atyp = m[3];
    int need = atyp == 1 ? 10 : atyp == 4 ? 22 : atyp == 3 ? 7 + m[4] : 0;
    if (need == 0) {
      fail(s, 8); // address type not supported
      return;
    }
    if (have < need) break;
    pos += need;
    int cmd = m[1];
    if (atyp == 3) {
      fail(s, 1); // KumoProxy: "Domain not supported"
      return;
    }
    struct sockaddr_storage a;
    socklen_t alen;
    parse_addr(m + 4, atyp, &a, &alen);
    if (cmd == 2) { // BIND: choose the outbound source
      if (s->outbound >= 0) {
        fail(s, 1);
        return;
      }
      if (new_outbound(s, a.ss_family) < 0) {
        fail(s, rep_for(errno));
        return;
      }
      if (bind(s->outbound, (struct sockaddr *)&a, alen) < 0) {
        fail(s, rep_for(errno));
        return;
      }
      s->bound = 1;
      if (reply_local(s) < 0) {
        fail(s, 1);
        return;
      }
    } else if (cmd == 1) { // CONNECT, from the bound socket if there is one
      if (!s->bound && new_outbound(s, a.ss_family) < 0) {
        fail(s, rep_for(errno));
        return;
      }
      memmove(s->in, s->in + pos, s->inlen - pos); // what follows is relay data
      s->inlen -= pos;
      int done = connect(s->outbound, (struct sockaddr *)&a, alen) == 0;
      if (!done && errno != EINPROGRESS) {
        fail(s, rep_for(errno));
        return;
      }
      // Watched only now: an unconnected socket would report itself writable.
      if (watch(s, s->outbound, 1) < 0) {
        fail(s, 1);
        return;
      }
      if (done) { // adding it reported any bytes already there
        if (reply_local(s) < 0) {
          fail(s, 1);
          return;
        }
        s->down.drained = 1;
        start_relay(s);
        return;
      }
      s->state = CONNECTING; // the replies so far wait for the dial's
      return;
    } else {
      fail(s, 7); // command not supported
      return;
    }
  }
  if (s->closed) return;
  memmove(s->in, s->in + pos, s->inlen - pos);
  s->inlen -= pos;
}

// The client sent something during the handshake: read what is there, answer it in order, and
// write the replies that are ready in one go (unless they wait for a dial's reply).
static void client_readable(struct session *s) {
  for (;;) {
    int room = HANDSHAKE_BYTES - s->inlen;
    if (room == 0) { // no message is this long
      close_session(s);
      return;
    }
    ssize_t n = read(s->client, s->in + s->inlen, room);
    if (n > 0) {
      s->inlen += n;
      // Bytes behind a CONNECT belong to the relay; a full read may have left more of them.
      s->up.drained = n < room && !s->up.hup;
      handshake(s);
      if (s->closed || s->state == CONNECTING || s->state == RELAY) return;
      if (n < room && !s->up.hup) break; // after a FIN, read on until read returns 0
    } else if (n == 0) { // EOF before the relay: send the replies due, then close
      flush(&s->down);
      close_session(s);
      return;
    } else if (errno == EAGAIN) {
      break;
    } else if (errno != EINTR) {
      close_session(s);
      return;
    }
  }
  if (flush(&s->down) < 0) close_session(s);
}

static void on_event(struct session *s, int outbound_side, uint32_t events) {
  int in = events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR);
  int out = events & (EPOLLOUT | EPOLLHUP | EPOLLERR);
  if (s->state == RELAY) {
    struct dir *reading = outbound_side ? &s->down : &s->up;
    struct dir *writing = outbound_side ? &s->up : &s->down;
    if (in) reading->drained = 0;
    if (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) reading->hup = 1;
    if (out) writing->blocked = 0;
    if ((in && pump(reading) < 0) || (out && pump(writing) < 0)) {
      close_session(s);
      return;
    }
    if (finished(s)) close_session(s);
    return;
  }
  if (outbound_side) {
    if (s->state == CONNECTING && out) {
      connected(s, events);
      if (!s->closed && s->state == RELAY && finished(s)) close_session(s);
    }
    return;
  }
  if (in) {
    if (s->state == CONNECTING) {
      s->up.drained = 0; // relay data or EOF: read once the relay starts
      if (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) s->up.hup = 1;
    } else {
      if (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) s->up.hup = 1;
      client_readable(s);
    }
  }
  // A reply that did not fit earlier; while dialling, replies wait for the dial's.
  if (out) s->down.blocked = 0;
  if (!s->closed && s->state != CONNECTING && out && s->down.len > 0 && flush(&s->down) < 0) {
    close_session(s);
  }
}

static void accept_all(int listener) {
  for (int i = 0; i < MAX_EVENTS; i++) {
    int fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return; // EAGAIN, or a failed accept: the listener stays
    struct session *s = sessions < max_sessions ? malloc(sizeof *s) : NULL;
    if (s == NULL) {
      close(fd);
      continue;
    }
    s->client = s->up.from = s->down.to = fd;
    s->outbound = s->up.to = s->down.from = -1;
    s->state = GREETING;
    s->bound = s->closed = 0;
    s->inlen = 0;
    s->up.off = s->up.len = s->up.hup = s->up.blocked = s->up.eof = s->up.shut = 0;
    s->down.off = s->down.len = s->down.hup = s->down.blocked = s->down.eof = s->down.shut = 0;
    s->up.drained = 1;   // until the relay, the handshake reads the client
    s->down.drained = 0;
    sessions++;
    if (watch(s, fd, 0) < 0) {
      close(fd);
      free(s);
      sessions--;
    }
    // The greeting usually arrives with the connection: the EPOLLIN edge reports it.
  }
}

int main(int argc, char **argv) {
  if (argc != 2 || atoi(argv[1]) <= 0 || atoi(argv[1]) > 65535) {
    fprintf(stderr, "usage: %s PORT   (listens on 127.0.0.1:PORT)\n", argv[0]);
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  struct rlimit nofile;
  if (getrlimit(RLIMIT_NOFILE, &nofile) < 0) {
    perror("getrlimit");
    return 1;
  }
  nofile.rlim_cur = nofile.rlim_max > 65536 ? 65536 : nofile.rlim_max;
  setrlimit(RLIMIT_NOFILE, &nofile); // a lower soft limit than asked only lowers the cap
  getrlimit(RLIMIT_NOFILE, &nofile);
  max_sessions = (int)((nofile.rlim_cur - 16) / 2);
  int one = 1;
  int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (listener < 0
      || setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0
      // accepted sockets inherit both, one syscall each saved per connection
      || setsockopt(listener, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0
      || setsockopt(listener, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one) < 0) {
    perror("socket");
    return 1;
  }
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[1]))};
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listener, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(listener, 1024) < 0) {
    perror("bind/listen");
    return 1;
  }
  ep = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event lev = {.events = EPOLLIN, .data.u64 = 0}; // session pointers are never 0
  if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, listener, &lev) < 0) {
    perror("epoll");
    return 1;
  }
  struct epoll_event events[MAX_EVENTS];
  for (;;) {
    int n = epoll_wait(ep, events, MAX_EVENTS, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      perror("epoll_wait");
      return 1;
    }
    for (int i = 0; i < n; i++) {
      uint64_t tag = events[i].data.u64;
      if (tag == 0) {
        accept_all(listener);
        continue;
      }
      struct session *s = (struct session *)(uintptr_t)(tag & ~(uint64_t)1);
      if (!s->closed) on_event(s, (int)(tag & 1), events[i].events);
    }
    while (dead != NULL) { // no event of this batch can name them any more
      struct session *s = dead;
      dead = s->next_dead;
      free(s);
    }
  }
}

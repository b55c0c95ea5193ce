package dev.egresskit.cli.proxy;

import dev.egresskit.cli.options.DurationConverter;
import dev.egresskit.cli.options.FileAccessOptions;
import dev.egresskit.core.grammar.Durations;
import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.policy.PolicyException;
import dev.egresskit.core.policy.ProxyListenerSpec;
import dev.egresskit.proxy.ProxyListenerSetup;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import dev.egresskit.cli.options.Endpoints;
import dev.egresskit.cli.output.BadInputException;
import dev.egresskit.cli.output.ExitCodes;
import dev.egresskit.cli.output.Io;
import dev.egresskit.cli.output.JobFailedException;
import dev.egresskit.cli.run.AssembledRun;
import dev.egresskit.cli.run.CommandContext;
import dev.egresskit.cli.run.MetricsEndpoint;
import dev.egresskit.core.text.Printable;
import dev.egresskit.proxy.ProxyCredentials;
import dev.egresskit.proxy.ProxyTimeouts;
import dev.egresskit.proxy.Socks5ProxyServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import org.slf4j.LoggerFactory;

/** {@code egresskit proxy}: run the KumoProxy-compatible SOCKS5 server until interrupted. */
@Command(
    name = "proxy",
    description = {
      "Run the SOCKS5 proxy until interrupted (Ctrl-C). It speaks KumoProxy's dialect (BIND the"
          + " requested source address, then CONNECT from it), which KumoMTA's and EgressKit's"
          + " SOCKS5 sources with socks5_proxy_source_address use, and plain RFC 1928 CONNECT for"
          + " standard clients. RFC 1929 users come from --users (lines made with"
          + " 'egresskit proxy hash-password USER').",
      "It refuses to listen beyond loopback without --require-auth, unless --allow-anonymous"
          + " says the network is trusted: an open proxy lets anyone send from your addresses.",
      "Listening beyond loopback, it also refuses to CONNECT to this machine's own addresses,"
          + " loopback, link-local (169.254.0.0/16, fe80::/10) and unspecified destinations,"
          + " unless --allow-local-destinations.",
      "With --policy FILE (.lua or .js) it is configured as KumoProxy is: the policy's"
          + " proxy_init calls proxy.start_proxy_listener{...} (several listeners, TLS,"
          + " tcp_keepalive) and proxy.start_http_listener{...} (/metrics, /proxy/status), and a"
          + " proxy_server_auth_rfc1929 handler checks usernames and passwords. --listen,"
          + " --users, --require-auth, --idle-timeout and --metrics are then refused.",
      ""
    },
    subcommands = HashPasswordCommand.class)
public final class ProxyCommand implements Callable<Integer> {

  @ParentCommand CommandContext root;

  @Spec CommandSpec spec;

  @Option(names = {"-p", "--policy"}, paramLabel = "FILE",
      description = "A KumoProxy policy (.lua or .js): its proxy_init starts the listeners, its"
          + " proxy_server_auth_rfc1929 handler authenticates clients.")
  Path policy;

  @Mixin FileAccessOptions files = new FileAccessOptions();

  @Option(names = "--handler-deadline", paramLabel = "DURATION",
      converter = DurationConverter.class, defaultValue = "5s",
      description = "With --policy: the longest a proxy_server_auth_rfc1929 call may run before"
          + " it is stopped and the client refused (default ${DEFAULT-VALUE}).")
  Duration handlerDeadline;

  @Option(names = "--listen", paramLabel = "ADDR:PORT", defaultValue = "127.0.0.1:1080",
      converter = Endpoints.ListenConverter.class,
      description = "Where to listen (default: ${DEFAULT-VALUE}; a bare port means 127.0.0.1).")
  InetSocketAddress listen;

  @Option(names = "--users", paramLabel = "FILE",
      description = "The users file: one 'user:pbkdf2-sha256$...' line per user.")
  Path users;

  @Option(names = "--require-auth",
      description = "Refuse clients that do not authenticate (needs --users). A client that"
          + " offers username/password is always checked, as KumoProxy does.")
  boolean requireAuth;

  @Option(names = "--allow-anonymous",
      description = "Allow listening on a non-loopback address without --require-auth.")
  boolean allowAnonymous;

  @Option(names = "--allow-source", paramLabel = "CIDR", split = ",",
      description = "Networks a client may BIND as its source (e.g. 192.0.2.0/24); others are"
          + " refused with reply 02. Default: any. Repeatable or comma separated.")
  List<String> allowSources = new ArrayList<>();

  @Option(names = "--allow-port", paramLabel = "PORT", split = ",",
      description = "Destination ports a client may CONNECT to (e.g. 25,587); others are"
          + " refused with reply 02. Default: any.")
  List<Integer> allowPorts = new ArrayList<>();

  @Option(names = "--allow-local-destinations",
      description = "Let clients CONNECT to loopback, link-local and unspecified addresses and"
          + " this machine's own addresses even when listening beyond loopback (refused there by"
          + " default; always allowed on a loopback listener).")
  boolean allowLocalDestinations;

  @Option(names = "--idle-timeout", paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Close a relay with no traffic either way for this long (default 10m).")
  Duration idleTimeout;

  @Option(names = "--splice",
      description = "Relay with splice(2) (socket to pipe to socket, no copy through user space)"
          + " on Linux/epoll, as KumoProxy does: less CPU per byte for long bulk transfers, a"
          + " little more per connection (default: copy, best for many short SMTP sessions).")
  boolean splice;

  @Option(names = "--busy-poll", paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Low-latency mode (Linux/epoll): an I/O thread that runs out of work keeps"
          + " polling for up to DURATION (e.g. 50us; at most 1ms) before it sleeps, so the next"
          + " SMTP line is relayed without waking it. Costs CPU; pays on machines with a core to"
          + " spare per I/O thread. Applies to every listener, with --policy too. Default: off.")
  Duration busyPoll;

  @Option(names = "--io-threads", paramLabel = "N",
      description = "I/O threads of each listener, 1 to " + MAX_IO_THREADS + " (default: one per"
          + " core). Fewer than the cores costs less CPU per session where the proxy shares its"
          + " cores with the MTA. Applies to every listener, with --policy too.")
  Integer ioThreads;

  /** More would only add wake-ups: nothing on an I/O thread blocks. */
  private static final int MAX_IO_THREADS = 1024;

  @Option(names = "--metrics", paramLabel = "ADDR:PORT",
      converter = Endpoints.ListenConverter.class,
      description = "Serve Prometheus metrics on http://ADDR:PORT/metrics (a bare port means"
          + " 127.0.0.1): proxy_connections_*, proxy_bytes_*, JVM meters.")
  InetSocketAddress metrics;

  /** Where the proxies write their connection lines, or null for the logger. */
  private ConnectionLogWriter connectionLines;

  /** The flags that describe a listener, which a policy describes instead. */
  private static final List<String> LISTENER_FLAGS = List.of("--listen", "--users",
      "--require-auth", "--idle-timeout", "--metrics");

  @Override
  public Integer call() {
    if (ioThreads != null && (ioThreads < 1 || ioThreads > MAX_IO_THREADS)) {
      throw new ParameterException(spec.commandLine(), "--io-threads " + ioThreads
          + ": expected 1 to " + MAX_IO_THREADS);
    }
    if (policy != null) {
      return callWithPolicy();
    }
    Io io = root.io();
    if (!listen.getAddress().isLoopbackAddress() && !requireAuth && !allowAnonymous) {
      throw new BadInputException("refusing to listen on " + Endpoints.format(listen)
          + " without authentication: anyone who can reach it could send mail from your"
          + " addresses. Add --users FILE --require-auth, or --allow-anonymous if only trusted"
          + " hosts can reach it.");
    }
    if (requireAuth && users == null) {
      throw new BadInputException("--require-auth needs --users FILE (no client could"
          + " authenticate otherwise)");
    }
    AssembledRun session = root.run();
    connectionLines = connectionLines(session);
    // The same listener spec a policy's start_proxy_listener gives, as KumoProxy's legacy flags
    // generate a proxy_init.
    Socks5ProxyServer.Builder builder = ProxyListenerSetup.apply(
        session.get(Socks5ProxyServer.Builder.class),
        ProxyListenerSpec.defaults(listen).withRequireAuth(requireAuth).withUseSplice(splice));
    try {
      if (users != null) {
        ProxyCredentials credentials = ProxyCredentials.load(users);
        for (String warning : credentials.warnings()) {
          io.err().println("warning: " + Printable.escape(warning));
        }
        builder.credentials(credentials);
      }
      restrict(builder);
      if (idleTimeout != null) {
        builder.timeouts(ProxyTimeouts.defaults().withIdle(idleTimeout));
      }
    } catch (IOException e) {
      throw new BadInputException("--users " + Printable.escape(users.toString()) + ": cannot read: "
          + Printable.escape(String.valueOf(e.getMessage())), e);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(e.getMessage(), e);
    }
    Socks5ProxyServer proxy;
    try {
      proxy = session.own(builder.build().start());
    } catch (IllegalStateException e) {
      throw new JobFailedException("proxy: " + e.getMessage(), e);
    }
    // Ctrl-C / SIGTERM lets open relays finish: the JVM waits for that, and their lines.
    io.lifecycle().addStopTime(proxy.closeTime());
    if (metrics != null) {
      session.own(MetricsEndpoint.start(metrics, session.get(PrometheusMeterRegistry.class), io));
    }
    io.err().println("SOCKS5 proxy listening on " + Endpoints.format(proxy.address())
        + " (" + (requireAuth ? "authentication required" : users != null
            ? "authentication optional" : "no authentication") + ", "
        + proxy.transport() + (!splice ? "" : proxy.transport().equals("epoll")
            ? ", splice relays (" + Socks5ProxyServer.splicePipeBytes() / 1024 + " KiB pipes)"
            : ", --splice needs epoll: relays copy")
        + (busyPoll == null ? "" : proxy.transport().equals("epoll")
            ? ", busy poll " + Durations.format(busyPoll) : ", --busy-poll needs epoll: off")
        + (proxy.refusesLocalDestinations()
            ? "; local destinations refused" : "") + "); Ctrl-C stops it");
    io.err().flush();
    io.lifecycle().started("proxy", proxy.address());
    io.lifecycle().awaitStop();
    io.err().println("proxy stopping: letting open relays finish");
    io.err().flush();
    return ExitCodes.OK;
  }

  /**
   * The writer of the connection lines, or null to leave them to the logger: when the logger
   * {@code dev.egresskit.proxy.connections} is off (the user turned the lines off), or when
   * slf4j-simple's output was configured otherwise than the CLI does (another file, date format
   * or layout), whose lines the writer would not match. Owned by the session before any proxy,
   * so it is closed after them and writes their last lines.
   */
  private static ConnectionLogWriter connectionLines(AssembledRun session) {
    if (!LoggerFactory.getLogger(CONNECTIONS_LOGGER).isInfoEnabled()) {
      return null;
    }
    for (String setting : SIMPLE_LOGGER_LAYOUT) {
      if (System.getProperty("org.slf4j.simpleLogger." + setting) != null) {
        return null;
      }
    }
    return session.own(new ConnectionLogWriter(System.err, Clock.systemDefaultZone(), true));
  }

  /** The logger of the proxy's one line per connection. */
  static final String CONNECTIONS_LOGGER = "dev.egresskit.proxy.connections";

  /** slf4j-simple settings that change where or how a line is written. */
  private static final List<String> SIMPLE_LOGGER_LAYOUT = List.of("logFile", "showDateTime",
      "dateTimeFormat", "showThreadName", "showThreadId", "showLogName", "showShortLogName",
      "levelInBrackets", "warnLevelString");

  /** EgressKit's own restrictions, which both forms apply to every listener. */
  private void restrict(Socks5ProxyServer.Builder builder) {
    if (connectionLines != null) {
      builder.connectionLines(connectionLines);
    }
    if (busyPoll != null) {
      builder.busyPoll(busyPoll);
    }
    if (ioThreads != null) {
      builder.ioThreads(ioThreads);
    }
    if (allowLocalDestinations) {
      builder.localDestinations(true);
    }
    if (!allowSources.isEmpty()) {
      builder.allowSources(allowSources);
    }
    if (!allowPorts.isEmpty()) {
      builder.allowDestinationPorts(new LinkedHashSet<>(allowPorts));
    }
  }

  private int callWithPolicy() {
    List<String> given = LISTENER_FLAGS.stream()
        .filter(flag -> spec.commandLine().getParseResult().hasMatchedOption(flag)).toList();
    if (!given.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "--policy cannot be combined with "
          + String.join(", ", given) + ": the policy's proxy.start_proxy_listener and"
          + " proxy_server_auth_rfc1929 describe the listeners and users (use one form or the"
          + " other)");
    }
    Io io = root.io();
    AssembledRun session = root.run();
    connectionLines = connectionLines(session);
    PolicyEngine engine = session.loadPolicy(policy, files.access(), handlerDeadline);
    try {
      PolicyProxy.start(engine, session, io, builder -> {
        try {
          restrict(builder);
        } catch (IllegalArgumentException e) {
          throw new BadInputException(e.getMessage(), e);
        }
      }, allowAnonymous);
    } catch (PolicyException e) {
      throw new BadInputException(e.getMessage(), e);
    }
    io.err().println("proxy running from " + Printable.escape(policy.toString())
        + "; Ctrl-C stops it");
    io.err().flush();
    io.lifecycle().awaitStop();
    io.err().println("proxy stopping: letting open relays finish");
    io.err().flush();
    return ExitCodes.OK;
  }
}

package dev.egresskit.cli.proxy;

import dev.egresskit.cli.output.BadInputException;
import dev.egresskit.cli.output.ExitCodes;
import dev.egresskit.cli.output.Io;
import dev.egresskit.proxy.ProxyCredentials;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code egresskit proxy hash-password USER}: print a users-file line. */
@Command(
    name = "hash-password",
    description = {
      "Print a users-file line (USER:pbkdf2-sha256$...) for 'egresskit proxy --users FILE'."
          + " The password is read from the terminal without echo, or as the first line of"
          + " standard input; it never appears on the command line.",
      ""
    })
final class HashPasswordCommand implements Callable<Integer> {

  @ParentCommand ProxyCommand proxy;

  @Parameters(paramLabel = "USER", description = "The user name (printable ASCII, no ':').")
  String user;

  @Option(names = "--iterations", paramLabel = "N",
      description = "PBKDF2 iterations (default: ${DEFAULT-VALUE}).",
      defaultValue = "" + ProxyCredentials.DEFAULT_ITERATIONS)
  int iterations;

  @Override
  public Integer call() throws IOException {
    Io io = proxy.root.io();
    char[] password;
    Console console = System.console();
    if (console != null) {
      password = console.readPassword("password for %s: ", user);
    } else {
      String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
          .readLine();
      password = line == null ? null : line.toCharArray();
    }
    if (password == null || password.length == 0) {
      throw new BadInputException("no password given (type it, or pipe it as the first line"
          + " of standard input)");
    }
    try {
      io.out().println(ProxyCredentials.hashLine(user, password, iterations));
    } catch (IllegalArgumentException e) {
      throw new BadInputException(e.getMessage(), e);
    } finally {
      Arrays.fill(password, '\0');
    }
    io.out().flush();
    return ExitCodes.OK;
  }
}

package dev.egresskit.core.policy;

import java.time.Duration;
import java.util.Objects;

/**
 * Engine-independent settings for loading and running a policy.
 *
 * @param poolSize        how many independently loaded interpreters an engine may keep, so
 *                        concurrent misses for different names run in parallel (at least 1)
 * @param handlerDeadline the longest a single handler call may run before it is stopped
 * @param files           which files beyond the policy's folder the policy may make EgressKit
 *                        read ({@code --allow-read}, {@code --path-map})
 * @param validating      load as {@code kumod --validate} does: the global
 *                        {@code _VALIDATING_CONFIG} is {@code true} and the
 *                        {@code validate_config} handlers run after {@code init}
 */
public record PolicySettings(int poolSize, Duration handlerDeadline, FileAccess files,
    boolean validating) {

  /** Pool size = available processors, 5 s handler deadline. */
  public static final PolicySettings DEFAULTS =
      new PolicySettings(Runtime.getRuntime().availableProcessors(), Duration.ofSeconds(5));

  public PolicySettings {
    Objects.requireNonNull(handlerDeadline, "handlerDeadline");
    Objects.requireNonNull(files, "files");
    if (poolSize < 1) {
      throw new IllegalArgumentException("poolSize must be at least 1: " + poolSize);
    }
    if (handlerDeadline.isZero() || handlerDeadline.isNegative()) {
      throw new IllegalArgumentException("handlerDeadline must be positive: " + handlerDeadline);
    }
  }

  /** Reads only the policy's folder; not validating. */
  public PolicySettings(int poolSize, Duration handlerDeadline) {
    this(poolSize, handlerDeadline, FileAccess.POLICY_FOLDER_ONLY, false);
  }

  /** These settings with other read permissions. */
  public PolicySettings withFiles(FileAccess files) {
    return new PolicySettings(poolSize, handlerDeadline, files, validating);
  }

  /** These settings with another handler deadline. */
  public PolicySettings withHandlerDeadline(Duration handlerDeadline) {
    return new PolicySettings(poolSize, handlerDeadline, files, validating);
  }

  /** These settings, loading for validation ({@code egresskit check}) or not. */
  public PolicySettings withValidating(boolean validating) {
    return new PolicySettings(poolSize, handlerDeadline, files, validating);
  }
}

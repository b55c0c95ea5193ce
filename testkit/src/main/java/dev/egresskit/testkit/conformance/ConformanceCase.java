package dev.egresskit.testkit.conformance;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One conformance case, read from {@code conformance/<id>/case.json}.
 *
 * <p>The JSON has these keys (all but {@code description} optional):
 * <pre>
 * description   what the case shows
 * origin        where the policy comes from (e.g. a seed example, verbatim)
 * languages     ["lua"] to restrict a case to some languages (default: every language)
 * files         extra files next to the policy (data files, modules), copied with it
 * load_error    fragments the load failure must contain (the policy must not load)
 * sources       [{name, view | error, absent?, error_&lt;language&gt;?}]
 * pools         [{name, view | error, picks?, absent?, error_&lt;language&gt;?}]
 * </pre>
 * A {@code view} is the expected {@code SourceViews} output; {@code error} lists fragments the
 * resolution error must contain; {@code {script}} in a fragment stands for the policy's file name;
 * {@code error_lua} / {@code error_js} replace {@code error} for one language; {@code absent}
 * lists texts (secrets) that must appear in neither the view nor the error; {@code picks} is the
 * expected weighted-round-robin order of the first picks from a fresh selector.
 *
 * @param id          the folder name, e.g. {@code 02-seed-source-address}
 * @param description what the case shows
 * @param origin      where the policy comes from, or empty
 * @param languages   the languages the case applies to; empty means all
 * @param files       extra files to copy next to the policy
 * @param loadErrors  load-failure fragments by language ({@code ""} = every language)
 * @param sources     the source lookups
 * @param pools       the pool lookups
 */
public record ConformanceCase(
    String id,
    String description,
    String origin,
    Set<String> languages,
    List<String> files,
    Map<String, List<String>> loadErrors,
    List<Lookup> sources,
    List<Lookup> pools) {

  public ConformanceCase {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(origin, "origin");
    languages = Set.copyOf(languages);
    files = List.copyOf(files);
    loadErrors = Map.copyOf(loadErrors);
    sources = List.copyOf(sources);
    pools = List.copyOf(pools);
  }

  /** Whether the case applies to {@code language} (e.g. {@code lua}). */
  public boolean appliesTo(String language) {
    return languages.isEmpty() || languages.contains(language);
  }

  /** The fragments the load failure must contain for {@code language}, if it must fail. */
  public Optional<List<String>> loadErrorFor(String language) {
    return Optional.ofNullable(loadErrors.getOrDefault(language, loadErrors.get("")));
  }

  /**
   * One lookup and its expected outcome: a view, or an error.
   *
   * @param name   the source or pool name to resolve
   * @param view   the expected view as JSON text, or {@code null} when an error is expected
   * @param errors error fragments by language ({@code ""} = every language)
   * @param absent texts that must not appear in the view or the error
   * @param picks  for pools, the expected first WRR picks (may be empty)
   */
  public record Lookup(
      String name, String view, Map<String, List<String>> errors, List<String> absent,
      List<String> picks) {
    public Lookup {
      Objects.requireNonNull(name, "name");
      errors = Map.copyOf(errors);
      absent = List.copyOf(absent);
      picks = List.copyOf(picks);
      if ((view == null) == errors.isEmpty()) {
        throw new IllegalArgumentException("lookup '" + name + "' needs exactly one of view,"
            + " error");
      }
    }

    /** The error fragments for {@code language}, or empty when a view is expected. */
    public List<String> errorsFor(String language) {
      return errors.getOrDefault(language, errors.getOrDefault("", List.of()));
    }
  }
}

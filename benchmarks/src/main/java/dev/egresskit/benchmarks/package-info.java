/**
 * JMH benchmarks: the source cache against plain maps, the Lua and JavaScript policy engines side
 * by side, and connection setup through every route against a blocking-socket baseline.
 * {@link dev.egresskit.benchmarks.SuiteRunner} runs a suite and writes its JSON results and a
 * markdown table of ratios.
 */
package dev.egresskit.benchmarks;

/**
 * Lua 5.4 patterns (reference manual §6.4.1) implemented for the sandbox: a backtracking matcher
 * that checks a {@link dev.egresskit.lua.patterns.PatternBudget} as it works and bounds its
 * recursion, so that no pattern can hold a policy thread past its handler deadline.
 */
package dev.egresskit.lua.patterns;

/**
 * The language-independent half of the {@code kumo} policy API, shared by every
 * {@link dev.egresskit.core.policy.PolicyEngineProvider} (Lua, JavaScript): the event
 * registry behind {@code kumo.on}, the {@code make_*} step that turns a field map into a validated
 * {@link dev.egresskit.core.policy.Made} value, the check of what a handler returned, the one
 * read rule for every file a policy names ({@link dev.egresskit.core.policy.support.PolicyFiles}),
 * KumoMTA's start-up events, and a pool of independently loaded interpreters. ({@code kumo.define_egress_source} keeps its definitions in
 * {@link dev.egresskit.core.policy.DefinedSources}.)
 *
 * <p>A binding converts its own values to plain Java ({@code RawSpec} types) and back, and turns a
 * {@link dev.egresskit.core.policy.support.KumoApiException} into an error raised in the script,
 * so that the script's file and line are attached by the language runtime.
 */
package dev.egresskit.core.policy.support;

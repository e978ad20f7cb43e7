/**
 * A scriptable SMTP server on loopback
 * ({@link dev.resilientmail.testkit.FaultSmtpServer}) that replies with anything, drops
 * or stalls on cue and records what it received, plus a JUnit Jupiter extension
 * ({@link dev.resilientmail.testkit.FaultSmtpServerExtension}).
 *
 * @since 0.1.0
 */
package dev.resilientmail.testkit;

/**
 * Angus Mail SMTP transports that record every command and reply and throw typed
 * {@link dev.resilientmail.SmtpFailure}s.
 */
package dev.resilientmail.transport;

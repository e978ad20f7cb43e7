/**
 * Typed SMTP failures: {@link dev.resilientmail.SmtpFailure} and its subtypes tell what
 * the server's reply means and whether sending again later can help.
 */
package dev.resilientmail;

/**
 * The {@code explain} command: what an SMTP reply means, for a person or a script.
 */
package dev.resilientmail.cli;

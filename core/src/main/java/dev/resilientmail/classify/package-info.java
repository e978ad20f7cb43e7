/**
 * Classification of SMTP replies into success, transient, permanent or policy failures
 * with a reason and retry advice, by default rules that user rules can override.
 */
package dev.resilientmail.classify;

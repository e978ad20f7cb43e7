/**
 * Whole-run comparisons: plain Angus Mail, the capturing transport, Spring's
 * {@code JavaMailSenderImpl} and pooled {@code MailDelivery} sending the same messages to
 * the same local sink in one JVM.
 */
package dev.resilientmail.benchmarks.harness;

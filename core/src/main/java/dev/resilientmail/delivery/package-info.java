/**
 * Sending with retries and rate limits driven by the classification of each reply:
 * {@link dev.resilientmail.delivery.MailDelivery} and its policy, report and listener.
 */
package dev.resilientmail.delivery;

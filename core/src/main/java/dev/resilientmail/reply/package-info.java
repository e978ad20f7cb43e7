/**
 * SMTP replies as values: the reply, its enhanced status code, the command it answers,
 * the recorded exchanges of a connection, and a catalog of what each code means.
 */
package dev.resilientmail.reply;

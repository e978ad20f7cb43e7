/**
 * Not API: helpers shared by the library's own packages, free to change in any release.
 */
package dev.resilientmail.internal;

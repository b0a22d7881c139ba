/** The OpenAI-compatible HTTP gateway: protocol adapters, the interceptor chain, admin API. */
package io.veil.gateway;

/* Force-included into every C++ unit of the mediasoup worker build (never into C units).
 *
 * The worker (3.13.23+) watches its DTLS memory BIO with BIO_set_callback_ex, and its callback returns 1
 * for every post-operation except a bare BIO_CB_RETURN. So control queries such as BIO_get_ktls_send()
 * answer 1, Debian's kTLS-enabled libssl takes the kTLS path, and the worker crashes in SSL_read right
 * after the client hello. The source fix is one test in src/RTC/DtlsTransport.cpp
 * (`operationType == BIO_CB_RETURN` -> `(operationType & BIO_CB_RETURN)`); instead of editing it, this
 * wraps the callback: only the pre-write notification (the one the worker acts on) reaches it, and
 * every other operation gets OpenSSL's own result. */
#ifndef HOSTLINE_DTLS_BIO_CALLBACK_H
#define HOSTLINE_DTLS_BIO_CALLBACK_H
#ifdef __cplusplus
#include <openssl/bio.h>

namespace hostline_dtls
{
	/* The worker's callback. It installs the same function on every DTLS transport's BIO. */
	inline BIO_callback_fn_ex workerCallback = nullptr;

	inline long Filter(
	  BIO* bio, int operation, const char* argp, size_t len, int argi, long argl, int ret, size_t* processed)
	{
		if (operation == BIO_CB_WRITE)
		{
			workerCallback(bio, operation, argp, len, argi, argl, ret, processed);
			return 1;
		}
		/* Post-operations return the operation's own result; other pre-operations may proceed. */
		return (operation & BIO_CB_RETURN) ? static_cast<long>(ret) : 1L;
	}

	inline void SetCallback(BIO* bio, BIO_callback_fn_ex callback)
	{
		workerCallback = callback;
		BIO_set_callback_ex(bio, callback ? Filter : nullptr);
	}
} // namespace hostline_dtls

#define BIO_set_callback_ex(bio, callback) hostline_dtls::SetCallback((bio), (callback))
#endif
#endif

/* Force-included into every C++ unit of the mediasoup worker build (never into C units); active in the
 * units that see libsrtp's <srtp.h> (the libsrtp3 stand-in puts libsrtp 2's include folder on their path).
 *
 * mediasoup 3.16+ is written against libsrtp 3 (its own fork), which Debian 12 does not have. libsrtp 3
 * protects and unprotects out of place with size_t lengths and an MKI index, renamed
 * srtp_remove_stream to srtp_stream_remove, and added two error codes. libsrtp 2 (2.5, from Debian's
 * source package) has the same ciphers and sessions behind in-place calls with int lengths; these
 * overloads give the worker the libsrtp 3 names over them, so no file of mediasoup's sources is edited. */
#ifndef HOSTLINE_SRTP3_OVER_SRTP2_H
#define HOSTLINE_SRTP3_OVER_SRTP2_H
#if defined(__cplusplus) && __has_include(<srtp.h>)
#include <srtp.h>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstring>

/* Error codes libsrtp 2 lacks; values past its last one (srtp_err_status_pkt_idx_adv = 27). */
constexpr srtp_err_status_t srtp_err_status_buffer_small = static_cast<srtp_err_status_t>(28);
constexpr srtp_err_status_t srtp_err_status_cryptex_err = static_cast<srtp_err_status_t>(29);

namespace hostline_srtp
{
	using InPlace = srtp_err_status_t (*)(srtp_t, void*, int*);

	/* Copies `in` into `out` (unless they are the same buffer), checks `out` can take the trailer the
	 * call may append, runs the in-place libsrtp2 call and reports the new length. */
	inline srtp_err_status_t OutOfPlace(
	  InPlace call, srtp_t ctx, const uint8_t* in, size_t inLen, uint8_t* out, size_t* outLen, size_t room)
	{
		if (inLen > static_cast<size_t>(INT_MAX) || *outLen < inLen + room)
			return srtp_err_status_buffer_small;
		if (out != in)
			std::memmove(out, in, inLen);
		int len = static_cast<int>(inLen);
		const srtp_err_status_t err = call(ctx, out, &len);
		if (err == srtp_err_status_ok)
			*outLen = static_cast<size_t>(len);
		return err;
	}
} // namespace hostline_srtp

inline srtp_err_status_t srtp_protect(
  srtp_t ctx, const uint8_t* rtp, size_t rtpLen, uint8_t* srtp, size_t* srtpLen, size_t mkiIndex)
{
	if (mkiIndex != 0)
		return srtp_err_status_bad_mki; // the worker never uses MKI; refuse rather than ignore it
	return hostline_srtp::OutOfPlace(::srtp_protect, ctx, rtp, rtpLen, srtp, srtpLen, SRTP_MAX_TRAILER_LEN);
}

inline srtp_err_status_t srtp_unprotect(
  srtp_t ctx, const uint8_t* srtp, size_t srtpLen, uint8_t* rtp, size_t* rtpLen)
{
	return hostline_srtp::OutOfPlace(::srtp_unprotect, ctx, srtp, srtpLen, rtp, rtpLen, 0);
}

inline srtp_err_status_t srtp_protect_rtcp(
  srtp_t ctx, const uint8_t* rtcp, size_t rtcpLen, uint8_t* srtcp, size_t* srtcpLen, size_t mkiIndex)
{
	if (mkiIndex != 0)
		return srtp_err_status_bad_mki;
	/* SRTCP appends the 4-byte E flag and index besides the tag (libsrtp2: SRTP_MAX_TRAILER_LEN + 4). */
	return hostline_srtp::OutOfPlace(
	  ::srtp_protect_rtcp, ctx, rtcp, rtcpLen, srtcp, srtcpLen, SRTP_MAX_TRAILER_LEN + 4);
}

inline srtp_err_status_t srtp_unprotect_rtcp(
  srtp_t ctx, const uint8_t* srtcp, size_t srtcpLen, uint8_t* rtcp, size_t* rtcpLen)
{
	return hostline_srtp::OutOfPlace(::srtp_unprotect_rtcp, ctx, srtcp, srtcpLen, rtcp, rtcpLen, 0);
}

inline srtp_err_status_t srtp_stream_remove(srtp_t session, uint32_t ssrc)
{
	return srtp_remove_stream(session, ssrc);
}
#endif
#endif

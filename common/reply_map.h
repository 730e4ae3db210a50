/*
 * Which reply answers which request: the one table both ends use. A request
 * that succeeds gets the body given here; one that fails gets an Error.
 */
#ifndef CG_REPLY_MAP_H
#define CG_REPLY_MAP_H

#include "chengguan/v1/envelope.pb-c.h"

/* The reply body of a request body, or BODY__NOT_SET when body is not a
 * request (a reply, an Error, or unknown). */
Chengguan__V1__Envelope__BodyCase cg_reply_case(Chengguan__V1__Envelope__BodyCase request);

/* 1 for bodies the server pushes unasked (with envelope id 0). */
int cg_is_push(Chengguan__V1__Envelope__BodyCase body);

/* The Envelope field that carries body (NULL when there is none). */
const ProtobufCFieldDescriptor *cg_envelope_field(Chengguan__V1__Envelope__BodyCase body);

/* The body whose message type is desc (BODY__NOT_SET when none). */
Chengguan__V1__Envelope__BodyCase cg_envelope_case_of(const ProtobufCMessageDescriptor *desc);

/* The message an envelope carries in its oneof, NULL when none. */
ProtobufCMessage *cg_envelope_body(const Chengguan__V1__Envelope *env);

/* Puts m into env's oneof (env->body_case follows m's type). 0, or -1 when
 * m is not a message the Envelope carries. */
int cg_envelope_set_body(Chengguan__V1__Envelope *env, ProtobufCMessage *m);

#endif

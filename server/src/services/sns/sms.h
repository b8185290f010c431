/* sms: SNS's SMS settings for one account and region, and the rules SMS
 * text and phone numbers follow.
 *
 * What SetSMSAttributes set, the numbers that opted out (ordered, so that
 * ListPhoneNumbersOptedOut pages in a stable order), and the SMS sandbox:
 * whether the account is in it and the destination numbers it holds, each
 * pending until verified with SNS_SMS_SANDBOX_OTP. Nothing is sent: Publish
 * records what SNS would have sent (sns.c). The namespace lock guards it all. */
#ifndef MOCKAWS_SNS_SMS_H
#define MOCKAWS_SNS_SMS_H

#include <glib.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* The one-time password the sandbox "sends" to a number it is asked to
 * verify (README; the messages log shows it too). */
#define SNS_SMS_SANDBOX_OTP "123456"
/* SNS's limit for one SMS publish, in characters. */
#define SNS_SMS_MAX_CHARS 1600

typedef struct sns_sms {
    json_t *attrs;      /* {name: value} as SetSMSAttributes set them (owned) */
    GTree *opted_out;   /* phone number -> NULL, keys owned */
    GTree *sandbox;     /* phone number -> "Pending" | "Verified" (static), keys owned */
    bool in_sandbox;    /* GetSMSSandboxAccountStatus's IsInSandbox */
} sns_sms;

sns_sms *sns_sms_new(void);
void sns_sms_free(sns_sms *s);
sns_sms *sns_sms_clone(const sns_sms *s);

/* E.164: "+", a country code not starting with 0, 7 to 15 digits in all
 * (a leading "+" optional, as SNS takes it). */
bool sns_e164_ok(const char *phone);

/* Whether text fits one SMS publish (SNS_SMS_MAX_CHARS characters of valid
 * UTF-8); *segments is the number of SMS messages it would take (160 GSM
 * characters, or 70 UCS-2 ones, for one; 153 and 67 each when split). */
bool sns_sms_text_ok(const char *text, unsigned *segments);

/* Checks every {name: value} of a SetSMSAttributes first, then sets them
 * all: 0, or -1 with err set to SNS's whole message (it has no
 * "Invalid parameter:" prefix for these). */
int sns_sms_set_attributes(sns_sms *s, json_t *attrs, char *err, size_t errlen);
/* GetSMSAttributes: what was set, with SNS's default MonthlySpendLimit of
 * 1; only the names in filter when it is a non-empty array. New reference. */
json_t *sns_sms_attributes(const sns_sms *s, json_t *filter);

bool sns_sms_opted_out(const sns_sms *s, const char *phone);
void sns_sms_opt_out(sns_sms *s, const char *phone);
void sns_sms_opt_in(sns_sms *s, const char *phone);

/* The "sms" member of the "sns" fixture section:
 *   {"attributes": {...}, "opted_out": ["+1555..."], "in_sandbox": true,
 *    "sandbox_numbers": [{"phone_number": "+1555...", "status": "Verified"}]} */
int sns_sms_load(sns_sms *s, json_t *section, char *err, size_t errlen);
/* NULL when nothing differs from a new state. */
json_t *sns_sms_dump(const sns_sms *s);

#endif

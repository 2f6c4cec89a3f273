"""Every user-facing sentence the backend says, in Bangla and English, keyed by code.

One table so a translator edits one file; error classes and the validator look
messages up here by code and never carry their own strings.
"""

from __future__ import annotations

from typing import NamedTuple


class Text(NamedTuple):
    """A sentence in both languages."""

    bn: str
    en: str

    def format(self, **values: object) -> Text:
        """Return the sentence with ``{name}`` placeholders filled in both languages."""
        return Text(self.bn.format(**values), self.en.format(**values))


# Request-level errors (the top-level ``code`` of an error body).
ERRORS: dict[str, Text] = {
    "validation_failed": Text(
        "ফর্মের কিছু তথ্য সঠিক নয়। চিহ্নিত ঘরগুলো ঠিক করে আবার জমা দিন।",
        "Some of the form is not valid. Correct the marked fields and submit again.",
    ),
    "query_invalid": Text(
        "খোঁজার শব্দ বা বাছাই সঠিক নয়। চিহ্নিত অংশ ঠিক করে আবার খুঁজুন।",
        "The search or filter is not valid. Correct the marked part and search again.",
    ),
    "malformed_json": Text(
        "অনুরোধের তথ্য পড়া যায়নি (JSON সঠিক নয়)।",
        "The request body could not be read (it is not valid JSON).",
    ),
    "body_too_deep": Text(
        "অনুরোধের তথ্যে অনেক স্তরের ভেতরে স্তর আছে (সর্বোচ্চ {limit_bn} স্তর)।",
        "The request body is nested too deeply (at most {limit} levels).",
    ),
    "header_invalid": Text(
        "'{header}' হেডারটি সঠিক নয়।",
        "The '{header}' header is not valid.",
    ),
    "body_not_object": Text(
        "অনুরোধের তথ্য একটি JSON অবজেক্ট হতে হবে।",
        "The request body must be a JSON object.",
    ),
    "unsupported_media_type": Text(
        "শুধু application/json ধরনের তথ্য গ্রহণ করা হয়।",
        "Only application/json request bodies are accepted.",
    ),
    "payload_too_large": Text(
        "অনুরোধটি অনেক বড় (সর্বোচ্চ {limit_kb} কিলোবাইট)।",
        "The request is too large (at most {limit_kb} KB).",
    ),
    "idempotency_key_missing": Text(
        "Idempotency-Key হেডার দিতে হবে, যাতে একই আবেদন দুবার জমা না হয়।",
        "The Idempotency-Key header is required, so that one application is never made twice.",
    ),
    "idempotency_key_invalid": Text(
        "Idempotency-Key হেডারটি সঠিক নয় (৮ থেকে ১২৮টি অক্ষর, অক্ষর-সংখ্যা-হাইফেন)।",
        "The Idempotency-Key header is invalid (8 to 128 letters, digits or hyphens).",
    ),
    "idempotency_key_reused": Text(
        "এই Idempotency-Key দিয়ে আগে ভিন্ন একটি আবেদন জমা হয়েছে। নতুন আবেদনের জন্য নতুন কী দিন।",
        "This Idempotency-Key was already used for a different application. "
        "Use a new key for a new application.",
    ),
    "request_in_progress": Text(
        "এই আবেদনটি এখনই জমা হচ্ছে। কয়েক সেকেন্ড পরে আবার চেষ্টা করুন।",
        "This application is being submitted right now. Try again in a few seconds.",
    ),
    "service_not_found": Text(
        "এই সেবাটি পাওয়া যায়নি।",
        "This service was not found.",
    ),
    "service_version_outdated": Text(
        "ফর্মটি পুরোনো হয়ে গেছে। ফর্মটি নতুন করে খুলে আবার জমা দিন।",
        "This form is out of date. Reload the form and submit again.",
    ),
    "service_not_offered": Text(
        "এই সেবাটি এই মাধ্যমে দেওয়া হয় না।",
        "This service is not offered through this channel.",
    ),
    "application_not_found": Text(
        "এই ট্র্যাকিং নম্বর ও মোবাইল নম্বরে কোনো আবেদন পাওয়া যায়নি।",
        "No application was found for this tracking number and mobile number.",
    ),
    "tracking_id_invalid": Text(
        "ট্র্যাকিং নম্বরটি সঠিক নয়। নম্বরটি আবার মিলিয়ে দেখুন।",
        "This tracking number is not valid. Check the number and try again.",
    ),
    "transition_not_allowed": Text(
        "আবেদনটি এখন '{status_bn}' অবস্থায় আছে; এই অবস্থায় '{action_bn}' করা যায় না।",
        "The application is '{status_en}'; it cannot be '{action_en}' now.",
    ),
    "concurrent_update": Text(
        "আবেদনটি এইমাত্র অন্য কেউ হালনাগাদ করেছেন। পাতাটি নতুন করে দেখে আবার চেষ্টা করুন।",
        "Someone else updated this application just now. Reload it and try again.",
    ),
    "cursor_invalid": Text(
        "পরের পাতার চিহ্নটি (cursor) সঠিক নয়; তালিকার শুরু থেকে আবার দেখুন।",
        "The page cursor is not valid; start the list again from the beginning.",
    ),
    "no_such_application": Text(
        "এই ট্র্যাকিং নম্বরে কোনো আবেদন পাওয়া যায়নি।",
        "No application with this tracking number was found.",
    ),
    "sign_in_required": Text(
        "আগে সাইন ইন করুন (বা আবার সাইন ইন করুন: আগের সাইন-ইনের মেয়াদ শেষ)।",
        "Sign in first (or again: the last sign-in has expired).",
    ),
    "callback_unauthorized": Text(
        "দপ্তরের বার্তার স্বাক্ষর, সময় বা দপ্তর যাচাই করা যায়নি।",
        "The office's message could not be verified (signature, time or office).",
    ),
    "forbidden": Text(
        "আপনার ভূমিকায় এটি করা যায় না।",
        "Your role cannot do this.",
    ),
    "phone_locked": Text(
        "ভুল কোড বারবার দেওয়ায় এই নম্বরটি {minutes_bn} মিনিটের জন্য আটকে আছে।",
        "Too many wrong codes: this number is locked for {minutes} minute(s).",
    ),
    "code_wait": Text(
        "নতুন কোড পাঠাতে আরও {minutes_bn} মিনিট অপেক্ষা করুন।",
        "Wait {minutes} minute(s) before asking for a new code.",
    ),
    "code_limit": Text(
        "এক ঘণ্টায় সর্বোচ্চ ৫টি কোড পাঠানো যায়; {minutes_bn} মিনিট পরে আবার চেষ্টা করুন।",
        "At most 5 codes an hour; try again in {minutes} minute(s).",
    ),
    "too_many_requests": Text(
        "অনেক বেশি অনুরোধ এসেছে; {minutes_bn} মিনিট পরে আবার চেষ্টা করুন।",
        "Too many requests; try again in {minutes} minute(s).",
    ),
    "code_invalid": Text(
        "কোডটি আর চলে না (মেয়াদ শেষ বা আগেই ব্যবহার করা হয়েছে)। নতুন কোড চেয়ে নিন।",
        "This code no longer works (it expired or was used). Ask for a new one.",
    ),
    "code_wrong": Text(
        "কোডটি মেলেনি। আর {left_bn} বার চেষ্টা করা যাবে।",
        "The code does not match. {left} tries left.",
    ),
    "sign_in_failed": Text(
        "মোবাইল নম্বর বা পাসওয়ার্ড মেলেনি।",
        "The mobile number or the password does not match.",
    ),
    "account_locked": Text(
        "বারবার ভুল পাসওয়ার্ড দেওয়ায় অ্যাকাউন্টটি {minutes_bn} মিনিটের জন্য আটকে আছে।",
        "Too many wrong passwords: the account is locked for {minutes} minute(s).",
    ),
    "session_invalid": Text(
        "সাইন-ইনের মেয়াদ শেষ হয়েছে; আবার সাইন ইন করুন।",
        "This sign-in has ended; sign in again.",
    ),
    "session_reused": Text(
        "নিরাপত্তার জন্য এই সাইন-ইন বন্ধ করা হয়েছে (পুরোনো টোকেন আবার ব্যবহার হয়েছে)। আবার সাইন ইন করুন।",
        "This sign-in was closed for safety (an old token was used again). Sign in again.",
    ),
    "throttled": Text(
        "এই মুহূর্তে অনেক বেশি অনুরোধ আসছে; কিছুক্ষণ পরে আবার চেষ্টা করুন।",
        "Too many requests right now; try again shortly.",
    ),
    "payload_too_large_gateway": Text(
        "অনুরোধটি অনেক বড়।", "The request is too large.",
    ),
    "bad_request": Text(
        "অনুরোধটি বোঝা যায়নি।", "The request could not be understood.",
    ),
    "phone_taken": Text(
        "এই মোবাইল নম্বরে আগে থেকেই একটি অ্যাকাউন্ট আছে।",
        "An account already signs in with this mobile number.",
    ),
    "origin_not_allowed": Text(
        "এই ওয়েবসাইট থেকে এই সেবা ব্যবহার করা যায় না।",
        "This site may not use the service.",
    ),
    "not_found": Text("যা খুঁজছেন তা পাওয়া যায়নি।", "What you asked for was not found."),
    "method_not_allowed": Text("এই পদ্ধতি এখানে চলে না।", "This method is not allowed here."),
    "service_unavailable": Text(
        "সেবাটি সাময়িকভাবে পাওয়া যাচ্ছে না। কিছুক্ষণ পরে আবার চেষ্টা করুন।",
        "The service is temporarily unavailable. Try again shortly.",
    ),
    "internal_error": Text(
        "একটি অপ্রত্যাশিত সমস্যা হয়েছে। আপনার তথ্য হারায়নি; কিছুক্ষণ পরে আবার চেষ্টা করুন।",
        "Something unexpected went wrong. Nothing you sent was lost; try again shortly.",
    ),
}

# Field-level problems (the ``code`` of one entry in ``fields``). ``{label_bn}`` and
# ``{label_en}`` are the field's own labels from its schema.
FIELD_ERRORS: dict[str, Text] = {
    "required": Text("'{label_bn}' দিতে হবে।", "'{label_en}' is required."),
    "type": Text("'{label_bn}'-এর ধরন সঠিক নয়।", "'{label_en}' has the wrong type."),
    "enum": Text(
        "'{label_bn}'-এর জন্য তালিকা থেকে একটি মান বেছে নিন।",
        "Choose one of the listed values for '{label_en}'.",
    ),
    "pattern": Text("'{label_bn}' সঠিক আকারে নেই।", "'{label_en}' is not in the right format."),
    "too_long": Text(
        "'{label_bn}' সর্বোচ্চ {limit_bn} অক্ষরের হতে পারে।",
        "'{label_en}' can be at most {limit} characters.",
    ),
    "too_short": Text(
        "'{label_bn}' অন্তত {limit_bn} অক্ষরের হতে হবে।",
        "'{label_en}' must be at least {limit} characters.",
    ),
    "too_small": Text(
        "'{label_bn}' অন্তত {limit_bn} হতে হবে।", "'{label_en}' must be at least {limit}."
    ),
    "too_large": Text(
        "'{label_bn}' সর্বোচ্চ {limit_bn} হতে পারে।", "'{label_en}' can be at most {limit}."
    ),
    "too_few": Text(
        "'{label_bn}'-এ অন্তত {limit_bn}টি বেছে নিন।",
        "Choose at least {limit} for '{label_en}'.",
    ),
    "too_many": Text(
        "'{label_bn}'-এ সর্বোচ্চ {limit_bn}টি দেওয়া যায়।",
        "'{label_en}' takes at most {limit} entries.",
    ),
    "duplicate": Text(
        "'{label_bn}'-এ একই মান দুবার দেওয়া হয়েছে।", "'{label_en}' has the same value twice."
    ),
    "unknown_field": Text(
        "'{label_bn}' নামে কোনো ঘর এই ফর্মে নেই।", "This form has no field '{label_en}'."
    ),
    "invalid": Text("'{label_bn}' সঠিক নয়।", "'{label_en}' is not valid."),
    "unknown_parameter": Text(
        "এই ঠিকানা '{label_bn}' নামে কোনো খোঁজার মান নেয় না।",
        "This address takes no query parameter '{label_en}'.",
    ),
    "not_own_phone": Text(
        "'{label_bn}' হতে হবে যে নম্বরে আপনি সাইন ইন করেছেন।",
        "'{label_en}' must be the number you signed in with.",
    ),
    "otp_code": Text(
        "'{label_bn}' হবে এসএমএসে পাঠানো ৬ অঙ্কের নম্বর।",
        "'{label_en}' is the 6-digit number sent by SMS.",
    ),
    "not_finite": Text(
        "'{label_bn}'-এ সাধারণ একটি সংখ্যা দিন (NaN বা অসীম চলে না)।",
        "Give an ordinary number for '{label_en}' (NaN and infinity are not numbers).",
    ),
    "control_character": Text(
        "'{label_bn}'-এ এমন অদৃশ্য বা নিয়ন্ত্রণ অক্ষর আছে যা লেখায় থাকে না; লেখাটি আবার টাইপ করুন।",
        "'{label_en}' contains invisible control characters; type the text again.",
    ),
    # a box that must be ticked: the declaration by name, not by its whole sentence
    "declaration": Text("ঘোষণায় টিক দিন।", "Tick the declaration."),
    "must_tick": Text("'{label_bn}' ঘরে টিক দিন।", "Tick the box '{label_en}'."),
    "tracking_id": Text(
        "'{label_bn}' সঠিক নয়: ১৬ অঙ্কের নম্বরটি রশিদের সাথে আবার মিলিয়ে দেখুন।",
        "'{label_en}' is not valid: check the 16-digit number against your receipt.",
    ),
    "mobile": Text(
        "'{label_bn}' সঠিক নয়: ০১ দিয়ে শুরু ১১ অঙ্কের মোবাইল নম্বর দিন (যেমন ০১৭১২৩৪৫৬৭৮)।",
        "'{label_en}' is not valid: give an 11-digit mobile number starting 01 (e.g. 01712345678).",
    ),
    "nid": Text(
        "'{label_bn}' সঠিক নয়: জাতীয় পরিচয়পত্র নম্বর ১০, ১৩ বা ১৭ অঙ্কের হয়।",
        "'{label_en}' is not valid: a national ID number has 10, 13 or 17 digits.",
    ),
    "brn": Text(
        "'{label_bn}' সঠিক নয়: জন্ম নিবন্ধন নম্বর ১৭ অঙ্কের, প্রথম চার অঙ্ক জন্মসাল।",
        "'{label_en}' is not valid: a birth registration number has 17 digits, "
        "the first four being the year of birth.",
    ),
    "passport": Text(
        "'{label_bn}' সঠিক নয়: পাসপোর্ট নম্বর ৯ অক্ষরের, ১-২টি ইংরেজি বড় হাতের বর্ণ ও "
        "তারপর অঙ্ক (যেমন A01234567)।",
        "'{label_en}' is not valid: a passport number has 9 characters, 1-2 capital letters "
        "then digits (e.g. A01234567).",
    ),
    "tin": Text(
        "'{label_bn}' সঠিক নয়: ই-টিআইএন ১২ অঙ্কের।",
        "'{label_en}' is not valid: an e-TIN has 12 digits.",
    ),
    "date": Text(
        "'{label_bn}' সঠিক তারিখ নয় (বছর-মাস-দিন, যেমন ২০২৪-০১-৩১)।",
        "'{label_en}' is not a valid date (year-month-day, e.g. 2024-01-31).",
    ),
    "future_date": Text(
        "'{label_bn}' আজকের পরের কোনো তারিখ হতে পারে না।",
        "'{label_en}' cannot be a date after today.",
    ),
    "past_date": Text(
        "'{label_bn}' আজ বা আজকের পরের তারিখ হতে হবে।",
        "'{label_en}' must be today or a later date.",
    ),
    "too_far_date": Text(
        "'{label_bn}' এক বছরের মধ্যে হতে হবে।", "'{label_en}' must be within the next year."
    ),
    "date_before_start": Text(
        "'{label_bn}' শুরুর তারিখের আগে হতে পারে না।",
        "'{label_en}' cannot be before the from date.",
    ),
    "range_too_long": Text(
        "একবারে সর্বোচ্চ {limit_bn} দিনের হিসাব দেখা যায়; '{label_bn}' এগিয়ে আনুন।",
        "At most {limit} days can be counted at once; bring '{label_en}' closer.",
    ),
    "too_old_date": Text(
        "'{label_bn}' অনেক পুরোনো তারিখ; তারিখটি আবার দেখুন।",
        "'{label_en}' is implausibly far in the past; check the date.",
    ),
    "geo_unknown": Text(
        "'{label_bn}'-এ বেছে নেওয়া এলাকাটি তালিকায় নেই।",
        "The area chosen in '{label_en}' is not on the list.",
    ),
    "geo_mismatch": Text(
        "'{label_bn}'-এর এলাকাগুলো মেলে না: নিচের স্তরটি ওপরের স্তরের ভেতরে হতে হবে।",
        "The areas in '{label_en}' do not match: each level must lie inside the one above it.",
    ),
    "fiscal_year": Text(
        "'{label_bn}' অর্থবছর এভাবে লিখুন: ২০২৬-২৭।",
        "Write '{label_en}' as a financial year, e.g. 2026-27.",
    ),
    "year_month": Text(
        "'{label_bn}' বছর-মাস আকারে লিখুন, যেমন ২০২৬-১০।",
        "Write '{label_en}' as year-month, e.g. 2026-10.",
    ),
    "number_list": Text(
        "'{label_bn}'-এ শুধু নম্বর দিন; একাধিক হলে কমা দিয়ে আলাদা করুন।",
        "Give only numbers in '{label_en}', separated by commas.",
    ),
    "bangla_text": Text(
        "'{label_bn}' বাংলায় লিখুন।", "Write '{label_en}' in Bangla."
    ),
    "latin_text": Text(
        "'{label_bn}' ইংরেজি বর্ণে লিখুন।", "Write '{label_en}' in English letters."
    ),
}

# Centres: their types, and the labels of their fields (the CSV's columns and the
# locator's query), so an error names the field in both languages.
CENTRE_TYPES: dict[str, Text] = {
    "udc": Text("ইউনিয়ন ডিজিটাল সেন্টার", "Union Digital Centre"),
    "pourashava_dc": Text("পৌরসভা ডিজিটাল সেন্টার", "Pourashava Digital Centre"),
    "city_dc": Text("সিটি ডিজিটাল সেন্টার", "City Digital Centre"),
    "nagorik_sheba": Text("নাগরিক সেবা কেন্দ্র", "Nagorik Sheba Centre"),
    "epost": Text("ই-পোস্ট সেন্টার", "e-Post Centre"),
}
CENTRE_FIELDS: dict[str, Text] = {
    "id": Text("কেন্দ্রের আইডি", "Centre id"),
    "type": Text("কেন্দ্রের ধরন", "Centre type"),
    "name_bn": Text("কেন্দ্রের নাম (বাংলা)", "Centre name (Bangla)"),
    "name_en": Text("কেন্দ্রের নাম (ইংরেজি)", "Centre name (English)"),
    "division": Text("বিভাগ", "Division"),
    "district": Text("জেলা", "District"),
    "upazila": Text("উপজেলা", "Upazila"),
    "union": Text("ইউনিয়ন", "Union"),
    "address_bn": Text("ঠিকানা (বাংলা)", "Address (Bangla)"),
    "address_en": Text("ঠিকানা (ইংরেজি)", "Address (English)"),
    "hours_bn": Text("খোলার সময় (বাংলা)", "Opening hours (Bangla)"),
    "hours_en": Text("খোলার সময় (ইংরেজি)", "Opening hours (English)"),
    "demo": Text("ডেমো", "Demo"),
    "cursor": Text("পরের পাতার চিহ্ন", "Page cursor"),
}
CENTRE_ERRORS: dict[str, Text] = {
    "centre_not_found": Text("এই কেন্দ্রটি পাওয়া যায়নি।", "This centre was not found."),
    "columns_missing": Text(
        "ফাইলে এই কলামগুলো নেই: {columns}।", "The file lacks these columns: {columns}."),
    "columns_unknown": Text(
        "ফাইলে অচেনা কলাম আছে: {columns}।", "The file has unknown columns: {columns}."),
    "file_unreadable": Text(
        "ফাইলটি পড়া যায়নি: UTF-8 এনকোডিংয়ের CSV ফাইল দিন।",
        "The file could not be read: give a UTF-8 encoded CSV file."),
}
ERRORS.update(CENTRE_ERRORS)
FIELD_ERRORS.update({
    "duplicate_row": Text(
        "'{label_bn}' এই ফাইলের {row_bn} নম্বর সারিতে আগেই আছে।",
        "'{label_en}' already appears in row {row} of this file."),
    "row_width": Text(
        "এই সারিতে কলামের সংখ্যা শিরোনামের সাথে মেলে না ({found_bn}টি, হওয়ার কথা {expected_bn}টি)।",
        "This row has {found} columns where the header has {expected}."),
    "yes_no": Text("'{label_bn}'-এ yes বা no লিখুন।", "Write yes or no in '{label_en}'."),
})
# The demo centres ``make dev`` seeds (one per district, marked demo).
DEMO_CENTRE_NAME = Text("ডেমো ডিজিটাল সেন্টার, {district_bn}", "Demo digital centre, {district_en}")
DEMO_CENTRE_ADDRESS = Text("ইউনিয়ন পরিষদ ভবন, {union_bn}, {upazila_bn}, {district_bn}",
                           "Union Parishad building, {union_en}, {upazila_en}, {district_en}")
DEMO_CENTRE_HOURS = Text("রবি–বৃহস্পতি সকাল ৯টা–বিকাল ৫টা", "Sun–Thu 9 am–5 pm")
# Assisted applications: the envelope's extra parts, as the error names them.
ASSISTED_FIELDS: dict[str, Text] = {
    "consent": Text("নাগরিকের সম্মতি", "Citizen's consent"),
    "consent.challenge_id": Text("সম্মতি কোডের অনুরোধ", "Consent code request"),
    "consent.code": Text("সম্মতির কোড", "Consent code"),
    "consent.method": Text("সম্মতির ধরন", "Consent method"),
    "consent.reason": Text("কোড ছাড়া সম্মতির কারণ", "Why consent is recorded without a code"),
    "applicant.phone": Text("আবেদনকারীর মোবাইল নম্বর", "Applicant's mobile number"),
    "payment": Text("পরিশোধ", "Payment"),
    "payment.mfs_provider": Text("মোবাইল ব্যাংকিং সেবা", "Mobile banking provider"),
    "payment.mfs_reference": Text("লেনদেন নম্বর", "Transaction reference"),
    "payment.service_charge_bdt": Text("সেবা মূল্য (টাকা)", "Service charge (taka)"),
}
FIELD_ERRORS.update({
    "assisted_only": Text(
        "'{label_bn}' শুধু কেন্দ্র থেকে করা আবেদনে দেওয়া যায়।",
        "'{label_en}' is only given on an application made at a centre."),
    "mfs_only": Text(
        "'{label_bn}' শুধু মোবাইল ব্যাংকিংয়ে পরিশোধ হলে দিন।",
        "Give '{label_en}' only when paid by mobile banking."),
    "over_cap": Text(
        "'{label_bn}' এই সেবার সর্বোচ্চ সেবা মূল্য ৳{cap_bn}-এর বেশি হতে পারে না।",
        "'{label_en}' cannot be more than this service's cap of Tk {cap}."),
    "whole_poisha": Text(
        "'{label_bn}' টাকা ও পয়সায় লিখুন (দশমিকের পরে সর্বোচ্চ দুই অঙ্ক)।",
        "Write '{label_en}' in taka and poisha (at most two decimals)."),
    "phone_for_code": Text(
        "সম্মতির কোড পাঠাতে '{label_bn}' লাগে; নাগরিকের নিজের ফোন না থাকলে কোড ছাড়া "
        "সম্মতির কারণ লিখুন।",
        "'{label_en}' is needed to send the consent code; if the citizen has no phone of "
        "their own, record why consent is given without a code."),
    "consent_code_wrong": Text(
        "'{label_bn}' মেলেনি বা মেয়াদ শেষ; নাগরিকের ফোনে আসা নতুন কোড দিন।",
        "'{label_en}' does not match or has expired; give the new code sent to the "
        "citizen's phone."),
})
# The ledger's query.
LEDGER_FIELDS: dict[str, Text] = {
    "date": Text("তারিখ", "Date"),
    "from": Text("শুরুর তারিখ", "From date"),
    "to": Text("শেষের তারিখ", "To date"),
}
FIELD_ERRORS.update({
    "date_or_range": Text(
        "'{label_bn}' দিলে শুরু ও শেষের তারিখ দেবেন না (একদিন অথবা একটি সময়সীমা)।",
        "Give '{label_en}' or a from/to range, not both."),
})
# Receipts and their public verification.
RECEIPT_ERRORS: dict[str, Text] = {
    "receipt_not_genuine": Text(
        "এই রসিদটি আসল নয়: ট্র্যাকিং নম্বর ও যাচাই কোড মেলেনি।",
        "This receipt is not genuine: the tracking number and the check code do not match."),
}
ERRORS.update(RECEIPT_ERRORS)
RECEIPT_GENUINE = Text("রসিদটি আসল।", "This receipt is genuine.")
PAYMENT_METHODS: dict[str, Text] = {
    "cash": Text("নগদ", "Cash"),
    "mfs": Text("মোবাইল ব্যাংকিং", "Mobile banking"),
}

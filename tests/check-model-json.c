/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* model: JSON encoding and decoding, bandwidth strings. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-model.h"
#include "check-suites.h"

/* Every attribute of a kind, as text for contiv_object_set_from_string(). */
static const struct full_object {
	uint32_t kind;
	const char *values[16];
} full_objects[] = {
	{ CONTIV_OBJECT_TENANT, { "default", "contiv-net" } },
	{ CONTIV_OBJECT_NETWORK, { "default", "contiv-net", "infra", "vlan", "100",
				   "20.1.1.10-20.1.1.45/24", "20.1.1.11", "2001:db8::/64",
				   "2001:db8::1", "net.tag" } },
	{ CONTIV_OBJECT_GROUP, { "default", "web", "contiv-net", "p1,p2", "gold",
				 "10.36.0.1-10.36.0.10", "web.default", "c1" } },
	{ CONTIV_OBJECT_POLICY, { "default", "policyAB" } },
	{ CONTIV_OBJECT_RULE, { "default", "policyAB", "1", "out", "10", "tcp", "8080", "",
				"epgB", "", "", "", "10.1.1.0/24", "deny" } },
	{ CONTIV_OBJECT_NETPROFILE, { "default", "gold", "10 Gbps", "10", "100" } },
	{ CONTIV_OBJECT_ENDPOINT, { "4e1d5a1c9b2f", "default", "contiv-net", "web",
				    "9a8b7c6d5e4f", "/web-1", "node1", "20.1.1.12",
				    "2001:db8::2", "02:02:14:01:01:0c", "vport12",
				    "192.168.2.10" } },
	{ CONTIV_OBJECT_GLOBAL, { "global", "aci", "100-200", "5000-6000", "routing", "flood",
				  "172.20.0.0/16" } },
};

static struct contiv_object *build_full(const struct full_object *f)
{
	struct contiv_object *obj = model_new(f->kind);

	for (uint32_t a = 0; a < contiv_object_attr_count(f->kind); a++) {
		ck_assert_ptr_nonnull(f->values[a]);
		ck_assert_msg(contiv_object_set_from_string(obj, a, f->values[a]) == 0, "%s",
			      contiv_ctx_get_error(model_ctx));
		ck_assert(contiv_object_is_set(obj, a));
	}
	return obj;
}

START_TEST(json_round_trip)
{
	const struct full_object *f = &full_objects[_i];
	struct contiv_object *obj = build_full(f), *back = NULL, *back2 = NULL;
	char *text = NULL, *text2 = NULL, *pretty = NULL;

	ck_assert_int_eq(contiv_object_validate(obj), 0);
	ck_assert_int_eq(contiv_object_to_json(obj, 0, &text), 0);
	ck_assert_ptr_null(strchr(text, '\n'));
	ck_assert_ptr_null(strstr(text, "\\/"));	/* no escaped slashes */
	ck_assert_msg(contiv_object_from_json(model_ctx, f->kind, text, &back) == 0, "%s: %s",
		      text, contiv_ctx_get_error(model_ctx));
	ck_assert(contiv_object_equal(obj, back));
	ck_assert_str_eq(contiv_object_get_key(obj), contiv_object_get_key(back));
	ck_assert_int_eq(contiv_object_to_json(back, 0, &text2), 0);
	ck_assert_str_eq(text, text2);
	/* pretty output decodes to the same object */
	ck_assert_int_eq(contiv_object_to_json(obj, CONTIV_JSON_PRETTY, &pretty), 0);
	ck_assert_ptr_nonnull(strstr(pretty, "\n  \""));
	ck_assert_int_eq(contiv_object_from_json(model_ctx, f->kind, pretty, &back2), 0);
	ck_assert(contiv_object_equal(obj, back2));
	contiv_free(text);
	contiv_free(text2);
	contiv_free(pretty);
	contiv_object_unref(obj);
	contiv_object_unref(back);
	contiv_object_unref(back2);
}
END_TEST

/* Exact encodings: field names and order, integer and list types. */
START_TEST(json_exact)
{
	struct contiv_object *obj = model_new(CONTIV_OBJECT_NETWORK);
	char *text = NULL;

	ck_assert_int_eq(contiv_object_to_json(obj, 0, &text), 0);
	ck_assert_str_eq(text, "{\"nwType\":\"data\",\"encap\":\"vxlan\"}");
	contiv_free(text);
	ck_assert_int_eq(contiv_object_set_str(obj, CONTIV_NETWORK_SUBNET, "10.1.2.0/24"), 0);
	ck_assert_int_eq(contiv_object_set_u32(obj, CONTIV_NETWORK_PKT_TAG, 7), 0);
	ck_assert_int_eq(contiv_object_unset(obj, CONTIV_NETWORK_NW_TYPE), 0);
	ck_assert_int_eq(contiv_object_to_json(obj, 0, &text), 0);
	ck_assert_str_eq(text, "{\"encap\":\"vxlan\",\"pktTag\":7,\"subnet\":\"10.1.2.0/24\"}");
	contiv_free(text);
	contiv_object_unref(obj);

	obj = model_new(CONTIV_OBJECT_GROUP);
	ck_assert_int_eq(contiv_object_set_from_string(obj, CONTIV_GROUP_POLICIES, "a,b"), 0);
	ck_assert_int_eq(contiv_object_set_from_string(obj, CONTIV_GROUP_EXT_CONTRACTS, ""), 0);
	ck_assert_int_eq(contiv_object_to_json(obj, 0, &text), 0);
	ck_assert_str_eq(text, "{\"policies\":[\"a\",\"b\"],\"extContractsGrps\":[]}");
	contiv_free(text);
	ck_assert_int_eq(contiv_object_to_json(obj, CONTIV_JSON_PRETTY, &text), 0);
	ck_assert_str_eq(text, "{\n  \"policies\": [\n    \"a\",\n    \"b\"\n  ],\n"
			       "  \"extContractsGrps\": [\n  ]\n}");
	contiv_free(text);
	contiv_object_unref(obj);
}
END_TEST

/* Bodies as Contiv's netmaster stores and returns them. */
static const struct sample {
	uint32_t kind;
	const char *json;
	uint32_t attr;
	const char *value;
} contiv_samples[] = {
	{ CONTIV_OBJECT_NETWORK,
	  "{\"cfgdTag\":\"\",\"encap\":\"vxlan\",\"gateway\":\"10.1.2.1\",\"ipv6Gateway\":\"\","
	  "\"ipv6Subnet\":\"\",\"key\":\"default:contiv-net\",\"link-sets\":{\"EndpointGroups\":"
	  "{\"default:web\":{\"type\":\"endpointGroup\",\"key\":\"default:web\"}}},"
	  "\"links\":{\"Tenant\":{\"type\":\"tenant\",\"key\":\"default\"}},"
	  "\"networkName\":\"contiv-net\",\"nwType\":\"data\",\"pktTag\":0,"
	  "\"subnet\":\"10.1.2.0/24\",\"tenantName\":\"default\"}",
	  CONTIV_NETWORK_GATEWAY, "10.1.2.1" },
	{ CONTIV_OBJECT_GROUP,
	  "{\n  \"cfgdTag\": \"\",\n  \"extContractsGrps\": null,\n  \"groupName\": \"web\",\n"
	  "  \"ipPool\": \"\",\n  \"key\": \"default:web\",\n  \"link-sets\": {},\n"
	  "  \"links\": {\"AppProfile\": {}, \"NetProfile\": {}, \"Network\": {}, \"Tenant\": {}},\n"
	  "  \"netProfile\": \"\",\n  \"networkName\": \"contiv-net\",\n"
	  "  \"policies\": [\"policyAB\"],\n  \"tenantName\": \"default\"\n}\n",
	  CONTIV_GROUP_NETWORK, "contiv-net" },
	{ CONTIV_OBJECT_RULE,
	  "{\"action\":\"allow\",\"direction\":\"in\",\"fromEndpointGroup\":\"epgA\","
	  "\"fromIpAddress\":\"\",\"fromNetwork\":\"\",\"key\":\"default:policyAB:1\","
	  "\"link-sets\":{\"Policies\":{}},\"policyName\":\"policyAB\",\"port\":80,"
	  "\"priority\":1,\"protocol\":\"tcp\",\"ruleId\":\"1\",\"tenantName\":\"default\","
	  "\"toEndpointGroup\":\"\",\"toIpAddress\":\"\",\"toNetwork\":\"\"}",
	  CONTIV_RULE_FROM_GROUP, "epgA" },
	{ CONTIV_OBJECT_NETPROFILE,
	  "{\"DSCP\":2,\"bandwidth\":\"100Mbps\",\"burst\":3,\"key\":\"default:gold\","
	  "\"link-sets\":{},\"profileName\":\"gold\",\"tenantName\":\"default\"}",
	  CONTIV_NETPROFILE_BANDWIDTH, "100Mbps" },
	{ CONTIV_OBJECT_GLOBAL,
	  "{\"arpMode\":\"proxy\",\"fwdMode\":\"bridge\",\"key\":\"global\",\"name\":\"global\","
	  "\"networkInfraType\":\"default\",\"pvtSubnet\":\"172.19.0.0/16\","
	  "\"vlans\":\"1-4094\",\"vxlans\":\"1-10000\"}",
	  CONTIV_GLOBAL_VXLANS, "1-10000" },
	{ CONTIV_OBJECT_TENANT,
	  "{\"defaultNetwork\":\"\",\"key\":\"default\",\"link-sets\":{\"Networks\":{}},"
	  "\"tenantName\":\"default\"}",
	  CONTIV_TENANT_NAME, "default" },
};

START_TEST(json_contiv_samples)
{
	const struct sample *c = &contiv_samples[_i];
	struct contiv_object *obj = NULL;

	ck_assert_msg(contiv_object_from_json(model_ctx, c->kind, c->json, &obj) == 0, "%s",
		      contiv_ctx_get_error(model_ctx));
	ck_assert_int_eq(contiv_object_validate(obj), 0);
	ck_assert_str_eq(contiv_object_get_str(obj, c->attr), c->value);
	contiv_object_unref(obj);
}
END_TEST

#define JSONERR (-CONTIV_ERR_JSON)

static const struct bad_json {
	uint32_t kind;
	const char *json;
	int ret;
	const char *msg;
} bad_json_cases[] = {
	{ CONTIV_OBJECT_NETWORK, "not json", JSONERR, "network: malformed JSON: " },
	{ CONTIV_OBJECT_NETWORK, "", JSONERR, "network: malformed JSON: unexpected end" },
	{ CONTIV_OBJECT_NETWORK, "   ", JSONERR, "network: malformed JSON" },
	{ CONTIV_OBJECT_NETWORK, "{\"subnet\":", JSONERR, "malformed JSON" },
	{ CONTIV_OBJECT_NETWORK, "{'subnet':'x'}", JSONERR, "malformed JSON" },
	{ CONTIV_OBJECT_NETWORK, "{} x", JSONERR, "malformed JSON" },
	{ CONTIV_OBJECT_NETWORK, "{}{}", JSONERR, "malformed JSON" },
	{ CONTIV_OBJECT_NETWORK, "[]", JSONERR, "network: malformed JSON: expected an object" },
	{ CONTIV_OBJECT_NETWORK, "null", JSONERR, "expected an object" },
	{ CONTIV_OBJECT_NETWORK, "\"network\"", JSONERR, "expected an object" },
	{ CONTIV_OBJECT_NETWORK, "42", JSONERR, "expected an object" },
	{ CONTIV_OBJECT_NETWORK, "{\"foo\":1}", -EINVAL, "network: unknown field \"foo\"" },
	{ CONTIV_OBJECT_NETWORK, "{\"Subnet\":\"10.1.2.0/24\"}", -EINVAL, "unknown field \"Subnet\"" },
	{ CONTIV_OBJECT_NETWORK, "{\"pktTag\":\"5\"}", JSONERR,
	  "network: field \"pktTag\": expected an integer" },
	{ CONTIV_OBJECT_NETWORK, "{\"pktTag\":5.0}", JSONERR, "field \"pktTag\": expected an integer" },
	{ CONTIV_OBJECT_NETWORK, "{\"pktTag\":1e3}", JSONERR, "expected an integer" },
	{ CONTIV_OBJECT_NETWORK, "{\"pktTag\":true}", JSONERR, "expected an integer" },
	{ CONTIV_OBJECT_NETWORK, "{\"pktTag\":[1]}", JSONERR, "expected an integer" },
	{ CONTIV_OBJECT_NETWORK, "{\"pktTag\":-1}", JSONERR, "expected an integer 0..4294967295" },
	{ CONTIV_OBJECT_NETWORK, "{\"pktTag\":4294967296}", JSONERR, "expected an integer 0.." },
	{ CONTIV_OBJECT_NETWORK, "{\"pktTag\":99999999999999999999}", JSONERR, "expected an integer" },
	{ CONTIV_OBJECT_NETWORK, "{\"pktTag\":-99999999999999999999}", JSONERR, "expected an integer" },
	{ CONTIV_OBJECT_NETWORK, "{\"pktTag\":16777216}", -EINVAL, "pktTag 16777216: must be" },
	{ CONTIV_OBJECT_NETWORK, "{\"subnet\":5}", JSONERR, "field \"subnet\": expected a string" },
	{ CONTIV_OBJECT_NETWORK, "{\"subnet\":{}}", JSONERR, "expected a string" },
	{ CONTIV_OBJECT_NETWORK, "{\"subnet\":\"10.1.2.0/33\"}", -EINVAL,
	  "network: subnet \"10.1.2.0/33\": prefix length must be 1..32" },
	{ CONTIV_OBJECT_NETWORK, "{\"networkName\":\"n\",\"subnet\":\"10.1.2.0/33\"}", -EINVAL,
	  "network \"n\": subnet \"10.1.2.0/33\"" },
	{ CONTIV_OBJECT_NETWORK, "{\"networkName\":\"a\\u0000b\"}", JSONERR, "expected a string" },
	{ CONTIV_OBJECT_TENANT, "{\"tenantName\":\"a\xff\"}", JSONERR, "malformed JSON" },
	{ CONTIV_OBJECT_TENANT, "{\"tenantName\":\"a\xc3\"}", JSONERR, "malformed JSON" },
	{ CONTIV_OBJECT_TENANT, "{\"tenantName\":\"caf\xc3\xa9\"}", -EINVAL,
	  "tenantName \"caf\\xc3\\xa9\": must contain only printable ASCII" },
	{ CONTIV_OBJECT_TENANT, "{\"tenantName\":\"caf\\u00e9\"}", -EINVAL, "printable ASCII" },
	{ CONTIV_OBJECT_TENANT, "{\"tenantName\":\"a:b\"}", -EINVAL, "tenantName \"a:b\"" },
	{ CONTIV_OBJECT_GROUP, "{\"policies\":\"p1\"}", JSONERR,
	  "group: field \"policies\": expected an array of strings" },
	{ CONTIV_OBJECT_GROUP, "{\"policies\":[\"p1\",2]}", JSONERR, "expected an array of strings" },
	{ CONTIV_OBJECT_GROUP, "{\"policies\":[null]}", JSONERR, "expected an array of strings" },
	{ CONTIV_OBJECT_GROUP, "{\"policies\":[\"p_1\"]}", -EINVAL, "policies \"p_1\"" },
	{ CONTIV_OBJECT_RULE, "{\"priority\":4294967295}", -EINVAL, "priority 4294967295: must be 1..100" },
	{ CONTIV_OBJECT_RULE, "{\"priority\":0}", -EINVAL, "priority 0: must be 1..100" },
	{ CONTIV_OBJECT_RULE, "{\"direction\":\"both\"}", -EINVAL, "direction \"both\"" },
	{ CONTIV_OBJECT_GLOBAL, "{\"name\":\"other\"}", -EINVAL, "name \"other\"" },
	{ CONTIV_OBJECT_GLOBAL, "{\"key\":\"global\",\"link\":{}}", -EINVAL, "unknown field \"link\"" },
	{ CONTIV_OBJECT_NETPROFILE, "{\"DSCP\":64}", -EINVAL, "netprofile: DSCP 64: must be 0..63" },
	{ CONTIV_OBJECT_NETPROFILE, "{\"burst\":1}", -EINVAL, "burst must be 0 or at least 2 KB" },
};

START_TEST(json_bad_input)
{
	const struct bad_json *c = &bad_json_cases[_i];
	struct contiv_object *obj = NULL;
	int r = contiv_object_from_json(model_ctx, c->kind, c->json, &obj);

	ck_assert_msg(r == c->ret, "%s: got %d, want %d (%s)", c->json, r, c->ret,
		      contiv_ctx_get_error(model_ctx));
	ck_assert_ptr_null(obj);
	ck_assert_ctx_error(model_ctx, c->msg);
	ck_assert_int_eq(contiv_ctx_get_errno(model_ctx), c->ret);
}
END_TEST

START_TEST(json_null_and_empty)
{
	struct contiv_object *obj = NULL;

	ck_assert_int_eq(contiv_object_from_json(model_ctx, CONTIV_OBJECT_NETWORK, " {} \n", &obj), 0);
	ck_assert(contiv_object_is_set(obj, CONTIV_NETWORK_NW_TYPE));	/* defaults */
	ck_assert(!contiv_object_is_set(obj, CONTIV_NETWORK_SUBNET));
	contiv_object_unref(obj);
	ck_assert_int_eq(contiv_object_from_json(model_ctx, CONTIV_OBJECT_NETWORK,
						 "{\"nwType\":null,\"gateway\":null,\"pktTag\":null}",
						 &obj), 0);
	ck_assert(!contiv_object_is_set(obj, CONTIV_NETWORK_NW_TYPE));
	ck_assert(!contiv_object_is_set(obj, CONTIV_NETWORK_GATEWAY));
	ck_assert(!contiv_object_is_set(obj, CONTIV_NETWORK_PKT_TAG));
	ck_assert(contiv_object_is_set(obj, CONTIV_NETWORK_ENCAP));
	contiv_object_unref(obj);
	/* a duplicated field: json-c keeps the last */
	ck_assert_int_eq(contiv_object_from_json(model_ctx, CONTIV_OBJECT_TENANT,
						 "{\"tenantName\":\"a\",\"tenantName\":\"b\"}", &obj), 0);
	ck_assert_str_eq(contiv_object_get_str(obj, CONTIV_TENANT_NAME), "b");
	contiv_object_unref(obj);
}
END_TEST

/* Large and deep inputs fail cleanly. */
START_TEST(json_huge)
{
	const size_t big = 1024 * 1024;
	char *json = malloc(big + 64);
	struct contiv_object *obj = NULL;
	size_t o;

	ck_assert_ptr_nonnull(json);
	o = (size_t)sprintf(json, "{\"tenantName\":\"");
	memset(json + o, 'a', big);
	strcpy(json + o + big, "\"}");
	ck_assert_int_eq(contiv_object_from_json(model_ctx, CONTIV_OBJECT_TENANT, json, &obj), -EINVAL);
	ck_assert_ctx_error(model_ctx, "tenantName \"aaaa");
	ck_assert_ctx_error(model_ctx, "must be at most 64 characters");
	/* 1 MB of nesting */
	memset(json, '[', big);
	json[big] = '\0';
	ck_assert_int_eq(contiv_object_from_json(model_ctx, CONTIV_OBJECT_TENANT, json, &obj),
			 -CONTIV_ERR_JSON);
	/* an array of 100000 items */
	o = (size_t)sprintf(json, "{\"policies\":[");
	for (int i = 0; i < 100000; i++)
		o += (size_t)sprintf(json + o, "%s\"p\"", i ? "," : "");
	strcpy(json + o, "]}");
	ck_assert_int_eq(contiv_object_from_json(model_ctx, CONTIV_OBJECT_GROUP, json, &obj), -EINVAL);
	ck_assert_ctx_error(model_ctx, "more than 1024 items");
	ck_assert_ptr_null(obj);
	free(json);
}
END_TEST

static const struct bw_case {
	const char *text;
	uint64_t bps;	/* 0 = invalid */
} bw_cases[] = {
	{ "10 Gbps", 10000000000ull }, { "10 Gb", 10000000000ull }, { "5Gb", 5000000000ull },
	{ "4g", 4000000000ull }, { "4G", 4000000000ull }, { "3gbps", 3000000000ull },
	{ "500Kbps", 500000 }, { "500kb", 500000 }, { "1m", 1000000 }, { "100 Mbps", 100000000 },
	{ "18446744073g", 18446744073000000000ull },
	{ "", 0 }, { "0 Gbps", 0 }, { "Gbps", 0 }, { " 10 Gbps", 0 }, { "10 ms", 0 },
	{ "10", 0 }, { "10Gbps ", 0 }, { "10 Gbit", 0 }, { "10GB", 0 }, { "010g", 0 },
	{ "10tbps", 0 }, { "-1g", 0 }, { "18446744074g", 0 }, { "99999999999999999999999k", 0 },
};

START_TEST(bandwidth_parse)
{
	const struct bw_case *c = &bw_cases[_i];
	uint64_t bps = 1;
	int r = contiv_bandwidth_parse(model_ctx, c->text, &bps);

	if (c->bps) {
		ck_assert_msg(r == 0, "%s: %s", c->text, contiv_ctx_get_error(model_ctx));
		ck_assert_uint_eq(bps, c->bps);
	} else {
		ck_assert_msg(r == -EINVAL, "\"%s\" accepted", c->text);
		ck_assert_uint_eq(bps, 1);
		ck_assert_ctx_error(model_ctx, "bandwidth \"");
	}
}
END_TEST

START_TEST(bandwidth_format)
{
	static const struct {
		uint64_t bps;
		const char *text;
	} cases[] = {
		{ 500000, "500Kbps" }, { 1500000, "1500Kbps" }, { 10000000000ull, "10Gbps" },
		{ 2000000, "2Mbps" }, { 1234, "1234bps" }, { 0, "0bps" }, { 1000, "1Kbps" },
		{ UINT64_MAX, "18446744073709551615bps" },
	};
	char buf[32];
	uint64_t back;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_int_eq(contiv_bandwidth_format(cases[i].bps, buf, sizeof(buf)), 0);
		ck_assert_str_eq(buf, cases[i].text);
	}
	/* what it writes for multiples of 1000 parses back */
	ck_assert_int_eq(contiv_bandwidth_format(1500000, buf, sizeof(buf)), 0);
	ck_assert_int_eq(contiv_bandwidth_parse(model_ctx, buf, &back), 0);
	ck_assert_uint_eq(back, 1500000);
	ck_assert_int_eq(contiv_bandwidth_format(500000, buf, 8), 0);
	ck_assert_int_eq(contiv_bandwidth_format(500000, buf, 7), -ERANGE);
	ck_assert_int_eq(contiv_bandwidth_format(500000, buf, 0), -ERANGE);
}
END_TEST

void model_add_json_tcases(Suite *s)
{
	TCase *tc = tcase_create("json");

	tcase_add_checked_fixture(tc, model_setup, model_teardown);
	tcase_add_loop_test(tc, json_round_trip, 0,
			    (int)(sizeof(full_objects) / sizeof(full_objects[0])));
	tcase_add_test(tc, json_exact);
	tcase_add_loop_test(tc, json_contiv_samples, 0,
			    (int)(sizeof(contiv_samples) / sizeof(contiv_samples[0])));
	tcase_add_loop_test(tc, json_bad_input, 0,
			    (int)(sizeof(bad_json_cases) / sizeof(bad_json_cases[0])));
	tcase_add_test(tc, json_null_and_empty);
	tcase_add_test(tc, json_huge);
	suite_add_tcase(s, tc);

	tc = tcase_create("bandwidth");
	tcase_add_checked_fixture(tc, model_setup, model_teardown);
	tcase_add_loop_test(tc, bandwidth_parse, 0, (int)(sizeof(bw_cases) / sizeof(bw_cases[0])));
	tcase_add_test(tc, bandwidth_format);
	suite_add_tcase(s, tc);
}

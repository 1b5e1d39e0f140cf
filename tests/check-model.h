/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Shared by the model test files: one context per test, helpers. */
#ifndef CONTIV_CHECK_MODEL_H
#define CONTIV_CHECK_MODEL_H

#include <check.h>
#include <contiv/contiv.h>

extern struct contiv_ctx *model_ctx;

/* Checked fixture: creates and releases model_ctx. */
void model_setup(void);
void model_teardown(void);

/* A new object of kind on model_ctx (the test fails if that fails). */
struct contiv_object *model_new(uint32_t kind);

/* Adds the JSON and bandwidth test cases (check-model-json.c). */
void model_add_json_tcases(Suite *s);

#endif

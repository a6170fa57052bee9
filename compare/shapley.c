/* compare/shapley.c -- being written (placeholder so the tree configures). */
typedef int rs_placeholder_t;

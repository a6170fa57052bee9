typedef int rs_placeholder_t;

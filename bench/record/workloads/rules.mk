# bench/record/workloads/rules.mk: a GNU make workload for the recorder
# (run with -n: nothing is built): many targets, pattern rules and functions.
N := $(shell seq 1 400)
SRCS := $(foreach i,$(N),src/mod$(i).c)
OBJS := $(patsubst src/%.c,obj/%.o,$(SRCS))
WORDS := $(sort $(foreach s,$(SRCS),$(notdir $(basename $(s)))))
all: $(OBJS)
	@echo linking $(words $(OBJS)) objects
obj/%.o: src/%.c
	@echo cc -c $< -o $@ $(subst mod,MOD,$(notdir $@))
src/%.c:
	@echo gen $@

//! The binary refuses configurations that cannot work, with the fix in its message.

#[test]
fn unusable_configurations_stop_the_program_with_the_fix() {
    test_support::startup::assert_start_up_refusals(env!("CARGO_BIN_EXE_actix-webapp"));
}

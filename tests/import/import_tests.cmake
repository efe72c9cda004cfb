# `dnnsim import` checked against PyTorch: one ctest case per model imports it
# once, compares parameters (total and per layer) and every module call's output shape with
# PyTorch's, compares the shipped preset twin, and runs analytic --grid all and simulate.
# Labels: import (PyTorch is slow: `ctest -LE import` leaves them out) and no-sanitizer (the
# Python side gains nothing from ASan). Exit 77 = skipped when torch is missing.
set(IMPORT_WORK ${CMAKE_CURRENT_BINARY_DIR}/import)
set(IMPORT_ENV PYTHONDONTWRITEBYTECODE=1)

foreach(case "alexnet;alexnet" "vgg16;vgg16" "resnet18;resnet18" "resnet50;resnet50"
             "mobilenet_v2;" "densenet121;" "googlenet;" "vit_b_16;")
  list(GET case 0 model)
  list(LENGTH case n)
  set(preset_args)
  if(n GREATER 1)
    list(GET case 1 preset)
    if(preset)
      set(preset_args --preset ${preset})
    endif()
  endif()
  add_test(NAME import.${model}
           COMMAND ${DNNSIM_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/check_import.py
                   --dnnsim $<TARGET_FILE:dnnsim> --model ${model} --work-dir ${IMPORT_WORK}
                   ${preset_args}
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(import.${model} PROPERTIES LABELS "import;no-sanitizer"
                       ENVIRONMENT "${IMPORT_ENV}" SKIP_RETURN_CODE 77 TIMEOUT 900)
endforeach()

add_test(NAME import.sources_and_errors
         COMMAND ${DNNSIM_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/check_import_sources.py
                 --dnnsim $<TARGET_FILE:dnnsim> --work-dir ${IMPORT_WORK}/sources
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(import.sources_and_errors PROPERTIES LABELS "import;no-sanitizer"
                     ENVIRONMENT "${IMPORT_ENV}" SKIP_RETURN_CODE 77 TIMEOUT 300)

# The model's code, the importer or the user stopping `dnnsim import`: one line, exit 1,
# nothing left behind (files or processes). One ctest case per way of stopping;
# check_import_failures.py says what each checks. `rejected`, `disagrees` and `dies` use a
# stand-in importer and need no PyTorch.
foreach(case raises exits builtin_exit needs_arguments raises_on_load exits_in_forward verbose
             sigint sigterm stubborn bias_free_onnx rejected disagrees dies)
  add_test(NAME import.failure.${case}
           COMMAND ${DNNSIM_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/check_import_failures.py
                   --dnnsim $<TARGET_FILE:dnnsim> --case ${case}
                   --work-dir ${IMPORT_WORK}/failure-${case}
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set(labels "import;no-sanitizer")
  if(case STREQUAL "rejected" OR case STREQUAL "disagrees" OR case STREQUAL "dies")
    set(labels import)  # no Python work: dnnsim's side, under the sanitizers too
  endif()
  set_tests_properties(import.failure.${case} PROPERTIES LABELS "${labels}"
                       ENVIRONMENT "${IMPORT_ENV}" SKIP_RETURN_CODE 77 TIMEOUT 300)
endforeach()

# Transformers: GPT-like models built in tests/data/import/transformer_models.py (attention
# as nn.MultiheadAttention, written by hand, or with separate projections; through torch.fx
# or ONNX; masks; logits tied to the token table). Parameters, FLOPs and shapes worked out
# from the models' sizes and compared with PyTorch's; check_import_transformers.py says
# what each checks.
foreach(case gpt_mha gpt_mha_sequence_first gpt_hand gpt_separate gpt_untraceable onnx_file
             onnx_file_mha masks functional_logits)
  add_test(NAME import.transformer.${case}
           COMMAND ${DNNSIM_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/check_import_transformers.py
                   --dnnsim $<TARGET_FILE:dnnsim> --case ${case}
                   --work-dir ${IMPORT_WORK}/transformer-${case}
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(import.transformer.${case} PROPERTIES LABELS "import;no-sanitizer"
                       ENVIRONMENT "${IMPORT_ENV}" SKIP_RETURN_CODE 77 TIMEOUT 300)
endforeach()

# --input: a block over T vectors of F features (--input 16x24), and values that are no
# sample (check_import_inputs.py). `bad_input` is dnnsim's side and needs no PyTorch.
foreach(case sequence bad_input)
  add_test(NAME import.input.${case}
           COMMAND ${DNNSIM_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/check_import_inputs.py
                   --dnnsim $<TARGET_FILE:dnnsim> --case ${case}
                   --work-dir ${IMPORT_WORK}/input-${case}
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set(labels "import;no-sanitizer")
  if(case STREQUAL "bad_input")
    set(labels import)  # under the sanitizers too
  endif()
  set_tests_properties(import.input.${case} PROPERTIES LABELS "${labels}"
                       ENVIRONMENT "${IMPORT_ENV}" SKIP_RETURN_CODE 77 TIMEOUT 300)
endforeach()

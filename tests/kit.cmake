# The algorithm toolkit (algorithms/kit/): typed dispatch, declared fields, waiting positions.
ballot_add_test(test_kit SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_kit.cpp
                LIBS ballot_raft ballot_paxos)
